package io.declutter.runner.deploy;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DatabaseState;
import io.declutter.runner.testing.GeneratedTree;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.Psql;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated demo job deploys the two ways the product promises: {@code psql -v ON_ERROR_STOP=1 -f install.sql}
 * (skipped, with a message, when psql is not installed) and {@code declutter deploy} (Liquibase), after which a
 * run completes; deploying with Liquibase a second time is a no-op that succeeds; and every generated file says
 * in a header comment what it is, for which job and which schemas.
 */
class DeploymentTest {

    /** The demo purges the 8 tenants closed more than 90 days ago out of 40. */
    private static final int TENANTS_LEFT = 32;

    private static ScratchDatabase source;
    private static Path generated;

    @TempDir
    Path work;

    @BeforeAll
    static void generateTheDemoJob(@TempDir Path dir) throws Exception {
        source = TestDatabase.freshDemo("deploy_src");
        generated = dir.resolve("generated");
        Cli.Result r = Cli.run("generate", "-j", JobFiles.demoJob(dir, source.url()).toString(), "-o", generated.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void installSqlDeploysWithPsqlAndARunThenCompletes() throws Exception {
        Assumptions.assumeTrue(Psql.available(), "psql is not installed (not on PATH): the deployment of install.sql"
                + " with psql -f is not tested here");
        try (ScratchDatabase db = TestDatabase.freshDemo("deploy_psql")) {
            Path install = generated.resolve("install.sql");
            Psql.runScript(db, install);
            // A DBA re-running the script (after an interruption, or by habit) must not break anything.
            Psql.runScript(db, install);

            Path job = JobFiles.demoJob(work, db.url());
            Cli.Result run = Cli.run("run", "-j", job.toString(), "--ignore-window");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("is done");
            Cli.Result verify = Cli.run("verify", "-j", job.toString());
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            try (Connection c = db.connect()) {
                assertThat(count(c, "SELECT count(*) FROM app.tenants")).isEqualTo(TENANTS_LEFT);
                assertThat(count(c, "SELECT count(*) FROM declutter.run WHERE job = 'tenant_purge' AND status = 'done'"))
                        .isEqualTo(1);
                assertThat(count(c, "SELECT count(*) FROM information_schema.tables"
                        + " WHERE table_name = 'databasechangelog'")).as("psql deploys without Liquibase").isZero();
            }
        }
    }

    @Test
    void changelogDeploysWithLiquibaseAndASecondDeployIsANoOp() throws Exception {
        try (ScratchDatabase db = TestDatabase.freshDemo("deploy_lb")) {
            Path job = JobFiles.demoJob(work, db.url());
            List<String> applicationCatalog;
            try (Connection c = db.connect()) {
                applicationCatalog = applicationCatalog(c);
            }
            Cli.Result first = Cli.run("deploy", "-j", job.toString(), "--dir", generated.toString());
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.out()).contains("Deployed job tenant_purge");

            DatabaseState deployed;
            List<String> changelog;
            try (Connection c = db.connect()) {
                deployed = DatabaseState.of(c);
                changelog = changelog(c);
                // One changeset per framework object, per purged table (its backup table, SET NULL record tables,
                // late and delete procedures) and per job procedure (docs/design.md#what-gets-generated): every file but
                // install.sql, changelog.xml and roles.sql (run by the DBA, docs/roles.md) is in exactly one.
                SortedMap<String, byte[]> tree = GeneratedTree.read(generated);
                String changelogXml = GeneratedTree.text(tree.get("changelog.xml"));
                assertThat(changelog).as("the changesets of changelog.xml, each executed")
                        .hasSize(occurrences(changelogXml, "<changeSet "));
                assertThat(occurrences(changelogXml, "<sqlFile ")).as("every deployed file in one changeset")
                        .isEqualTo(tree.size() - 3);
                assertThat(changelog).as("a changeset per purged table").filteredOn(row -> row.contains("-table_"))
                        .hasSize(occurrences(changelogXml, "/backup_"));
                assertThat(changelog).allSatisfy(row -> assertThat(row).contains("|EXECUTED|"));
                assertThat(count(c, "SELECT count(*) FROM declutter.control WHERE job = 'tenant_purge'")).isPositive();
                assertThat(applicationCatalog(c)).as("deploy adds nothing outside the declutter schema")
                        .containsExactlyElementsOf(applicationCatalog);
                assertThat(count(c, "SELECT count(*) FROM pg_class WHERE relname IN ('databasechangelog',"
                        + " 'databasechangeloglock') AND relnamespace = 'declutter'::regnamespace")).isEqualTo(2);
            }

            Cli.Result again = Cli.run("deploy", "-j", job.toString(), "--dir", generated.toString());
            assertThat(again.exitCode()).as(again.toString()).isZero();
            // Generating afresh into another directory gives the same changesets: still nothing to do.
            Cli.Result regenerated = Cli.run("deploy", "-j", job.toString());
            assertThat(regenerated.exitCode()).as(regenerated.toString()).isZero();
            try (Connection c = db.connect()) {
                assertThat(changelog(c)).as("changesets executed (id, checksum, type, order, date)")
                        .containsExactlyElementsOf(changelog);
                assertThat(DatabaseState.of(c)).as("database after deploying again").isEqualTo(deployed);
                assertThat(applicationCatalog(c)).containsExactlyElementsOf(applicationCatalog);
            }

            Cli.Result run = Cli.run("run", "-j", job.toString(), "--ignore-window");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            try (Connection c = db.connect()) {
                assertThat(count(c, "SELECT count(*) FROM app.tenants")).isEqualTo(TENANTS_LEFT);
            }
        }
    }

    @Test
    void everyGeneratedFileHasAHeaderNamingWhatItIs() {
        SortedMap<String, byte[]> files = GeneratedTree.read(generated);
        assertThat(files).hasSizeGreaterThan(20);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String path = f.getKey();
            String text = GeneratedTree.text(f.getValue());
            assertThat(text).as("%s has unrendered template markup", path)
                    .doesNotContain("<#", "</#", "<@", "${");
            if (path.equals("changelog.xml")) {
                assertThat(text).startsWith("<?xml");
                String comment = text.substring(text.indexOf("<!--"), text.indexOf("-->") + 3);
                assertThat(text.indexOf("<!--")).as("comment before the changelog").isLessThan(text.indexOf("<databaseChangeLog"));
                assertThat(comment).as("comment of %s", path).contains("job tenant_purge", "root app.tenants", "schemas app");
                continue;
            }
            assertThat(path).endsWith(".sql");
            String header = header(text, "-- ====", "\n-- ====");
            assertThat(header).as("header of %s", path).contains("-- declutter: ");
            if (path.startsWith("framework/")) {
                // Shared by every job, so they name the framework schema, not a job.
                assertThat(header).as("header of %s", path).containsPattern("-- declutter: \\w+ declutter\\b");
            } else {
                assertThat(header).as("header of %s", path)
                        .contains("-- Job:      tenant_purge (root app.tenants", "-- Schemas:  app\n");
            }
        }
        String step = GeneratedTree.text(files.get("tenant_purge/step.sql"));
        assertThat(header(step, "-- ====", "\n-- ====")).contains("-- declutter: procedure declutter.tenant_purge_step",
                "WHERE status = 'closed' AND closed_at < now() - interval '90 days')");
        assertThat(header(GeneratedTree.text(files.get("tenant_purge/backup_007_app_users.sql")), "-- ====", "\n-- ===="))
                .contains("-- declutter: backup table declutter.bk_tenant_purge_users",
                        "-- Purpose:  full copy of the app.users rows");
    }

    /** The text from {@code start} (which must open the file) to the end of {@code end}. */
    private static String header(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("file starts with %s:\n%s", start, text).isZero();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("header closed by %s", end).isPositive();
        return text.substring(0, to + end.length());
    }

    private static List<String> changelog(Connection c) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, md5sum, exectype,"
                + " orderexecuted, dateexecuted FROM declutter.databasechangelog ORDER BY orderexecuted")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getInt(4) + "|"
                        + rs.getTimestamp(5));
            }
        }
        return rows;
    }

    /**
     * Every relation (table, index, sequence, view, ...) and every function or procedure outside the declutter
     * schema and the system's own (pg_catalog, information_schema, pg_toast: the toast tables of declutter's tables
     * live there), by schema, name, kind and signature.
     */
    private static List<String> applicationCatalog(Connection c) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT n.nspname || '.' || r.relname || ' ' || r.relkind::text
                  FROM pg_class AS r JOIN pg_namespace AS n ON n.oid = r.relnamespace
                 WHERE n.nspname NOT IN ('declutter', 'pg_catalog', 'information_schema', 'pg_toast')
                UNION ALL
                SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || p.prokind::text
                  FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
                 WHERE n.nspname NOT IN ('declutter', 'pg_catalog', 'information_schema', 'pg_toast')
                 ORDER BY 1""")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        assertThat(rows).as("the demo's application tables").anyMatch(r -> r.startsWith("app.tenants "));
        return rows;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
