package io.declutter.runner.badinput;

import io.declutter.runner.ExitCodes;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DatabaseState;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static io.declutter.runner.badinput.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad job definitions (docs/design.md#bad-input): each is refused by {@code plan}, {@code generate} and {@code deploy}
 * with exit code 2 and a message that names the problem and says what to fix, and changes nothing: no file is written,
 * no {@code declutter} schema appears, every table keeps its content, no function or sequence changes.
 */
class BadJobInputTest {

    private static ScratchDatabase db;
    private static DatabaseState pristine;

    @TempDir
    Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.freshDemo("bad_job");
        try (Connection c = db.connect()) {
            pristine = DatabaseState.of(c);
        }
        assertThat(pristine.hasSchema("app")).isTrue();
        assertThat(pristine.hasSchema("declutter")).isFalse();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void databaseIsUntouched() throws Exception {
        assertUnchanged();
    }

    @Test
    void unknownRootTable() throws Exception {
        refusedEverywhere(job("tenant_purge", "app.nope", "status = 'closed'"),
                "root table app.nope does not exist", "Check 'root.table' in the job file");
    }

    @Test
    void rootTableInTheWrongSchemaNamesTheOneThatExists() throws Exception {
        refusedEverywhere(job("tenant_purge", "public.tenants", "status = 'closed'"),
                "root table public.tenants does not exist", "(tables with that name: app.tenants)",
                "Check 'root.table'");
        // Without a schema the name means public.tenants, which does not exist either.
        refusedEverywhere(job("tenant_purge", "tenants", "status = 'closed'"),
                "root table public.tenants does not exist", "(tables with that name: app.tenants)");
    }

    @Test
    void rootPredicateThatDoesNotParse() throws Exception {
        refusedEverywhere(job("tenant_purge", "app.tenants", "status = = 'closed' AND"),
                "the root predicate does not work on app.tenants", "syntax error", "Fix 'root.where' in the job file");
    }

    @Test
    void rootPredicateNamingAnUnknownColumn() throws Exception {
        refusedEverywhere(job("tenant_purge", "app.tenants", "closed_on < now() - interval '90 days'"),
                "the root predicate does not work on app.tenants", "column \"closed_on\" does not exist",
                "Fix 'root.where'");
    }

    @Test
    void rootPredicateSmugglingASecondStatement() throws Exception {
        refusedEverywhere(job("tenant_purge", "app.tenants", "1=1; DROP TABLE app.tenants"),
                "root predicate", "Fix 'root.where'");
        // Balanced parentheses make every piece parse: the check must not run the pieces.
        refusedEverywhere(job("tenant_purge", "app.tenants", "1=1) ; DROP TABLE app.tenants; SELECT (1"),
                "root predicate", "Fix 'root.where'");
        assertThat(tableExists("app.tenants")).isTrue();
    }

    @Test
    void rootPredicateSmugglingAStatementThatWouldWorkInAReadOnlyTransaction() throws Exception {
        // A read-only transaction does not stop SELECT pg_terminate_backend(...): planning must not run it.
        try (Connection victim = db.connect()) {
            int pid;
            try (Statement st = victim.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Path file = job("tenant_purge", "app.tenants", "1=1) ; SELECT pg_terminate_backend(" + pid + "); SELECT (1");
            refusedEverywhere(file, "root predicate on app.tenants is not a single condition", "Fix 'root.where'");
            try (Statement st = victim.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertThat(rs.next()).as("the connection whose backend the predicate tried to terminate").isTrue();
            }
        }
    }

    @Test
    void rootPredicateWithACarriageReturnThatWouldEndTheHeaderComment() throws Exception {
        // In a generated header "-- ... WHERE status = 'x<CR>; DROP TABLE app.plans; --'" the CR ends the
        // comment for PostgreSQL, psql and the JDBC driver: the rest would run at deploy time.
        refusedEverywhere(job("tenant_purge", "app.tenants", "status = 'x\\r; DROP TABLE app.plans; --'"),
                "root predicate contains the control character U+000D", "chr(13)");
    }

    @Test
    void jobNameThatIsNotAValidIdentifier() throws Exception {
        for (String name : new String[] {"Tenant-Purge", "tenant_purge; DROP TABLE app.tenants", "1tenant",
                "a_job_name_that_is_longer_than_thirty_characters"}) {
            refusedEverywhere(job(name, "app.tenants", "status = 'closed'"),
                    "job name '" + name + "' is not a valid job name",
                    "lower-case letters, digits and underscores, starting with a letter");
        }
    }

    @Test
    void misspeltKeyInTheJobFile() throws Exception {
        Path topLevel = JobFiles.write(work, "typo.yaml", """
                job: tenant_purge
                root:
                  table: app.tenants
                  where: status = 'closed'
                batchSzie: 10
                """, db.url());
        refusedEverywhere(topLevel, "unknown setting 'batchSzie' at line 5", "the settings allowed there are",
                "batchSize");

        Path nested = JobFiles.write(work, "nested-typo.yaml", """
                job: tenant_purge
                root:
                  table: app.tenants
                  wehre: status = 'closed'
                """, db.url());
        refusedEverywhere(nested, "unknown setting 'root.wehre' at line 4", "the settings allowed there are",
                "duplicatesOf, keep, key, keys, orphansOf, table, where");
    }

    @Test
    void jobFileThatDoesNotExist() throws Exception {
        Path missing = work.resolve("no-such-job.yaml");
        refusedEverywhere(missing, "job file " + missing + " does not exist");
        assertThat(missing).doesNotExist();
    }

    /** plan, generate and deploy all refuse the job with exit 2 and the message parts; nothing changes. */
    private void refusedEverywhere(Path jobFile, String... parts) throws Exception {
        Path out = work.resolve("out-" + System.nanoTime());
        assertRefused(Cli.run("plan", "-j", jobFile.toString()), ExitCodes.BAD_INPUT, parts);
        assertRefused(Cli.run("generate", "-j", jobFile.toString(), "-o", out.toString()), ExitCodes.BAD_INPUT, parts);
        assertThat(out).as("generate wrote nothing").doesNotExist();
        assertRefused(Cli.run("deploy", "-j", jobFile.toString()), ExitCodes.BAD_INPUT, parts);
        assertUnchanged();
    }

    private Path job(String name, String table, String where) throws Exception {
        String yaml = "job: \"" + name + "\"\nroot:\n  table: " + table + "\n  where: \"" + where.replace("\"", "\\\"")
                + "\"\n";
        return JobFiles.write(Files.createDirectories(work.resolve("jobs")), "job-" + System.nanoTime() + ".yaml",
                yaml, db.url());
    }

    private static void assertUnchanged() throws Exception {
        try (Connection c = db.connect()) {
            assertThat(DatabaseState.of(c)).as("database state").isEqualTo(pristine);
        }
    }

    private static boolean tableExists(String name) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + name + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
