package io.declutter.runner.plan;

import io.declutter.runner.ExitCodes;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reasons a batch or a rollback would fail that the catalog shows before the run, read by {@code plan} as the role
 * that runs the job (docs/design.md#failures-the-catalog-shows-before-the-run): row-level security hiding rows from it, DELETE rules, exclusion
 * constraints, missing privileges on tables and sequences. ERROR findings make {@code plan} and {@code generate} exit
 * 2; doing what the finding says makes the job acceptable.
 */
class RunHazardsPlanTest {

    @TempDir
    static Path dir;

    private static ScratchDatabase db;
    private static final String ROLE = "declutter_purger_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String PASSWORD = UUID.randomUUID().toString();

    @BeforeAll
    static void load() throws SQLException {
        db = TestDatabase.fresh("runhazards");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, """
                    CREATE SCHEMA app;
                    -- row-level security on a child table: its policy hides every row from the purging role
                    CREATE TABLE app.rls_org (id bigint PRIMARY KEY);
                    CREATE TABLE app.rls_doc (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES app.rls_org);
                    CREATE INDEX ON app.rls_doc (org_id);
                    ALTER TABLE app.rls_doc ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY nothing_visible ON app.rls_doc USING (false);
                    -- a soft-delete rule: DELETE does not delete
                    CREATE TABLE app.soft_org (id bigint PRIMARY KEY, deleted boolean NOT NULL DEFAULT false);
                    CREATE RULE soft_delete AS ON DELETE TO app.soft_org
                        DO INSTEAD UPDATE app.soft_org SET deleted = true WHERE id = OLD.id;
                    -- a logging rule: DELETE also writes elsewhere
                    CREATE TABLE app.deleted_log (id bigint);
                    CREATE TABLE app.logged_org (id bigint PRIMARY KEY);
                    CREATE RULE log_delete AS ON DELETE TO app.logged_org
                        DO ALSO INSERT INTO app.deleted_log VALUES (OLD.id);
                    -- an exclusion constraint on a purged child
                    CREATE TABLE app.room (id bigint PRIMARY KEY);
                    CREATE TABLE app.booking (id bigint PRIMARY KEY, room_id bigint NOT NULL REFERENCES app.room,
                        during tsrange NOT NULL, EXCLUDE USING gist (during WITH &&));
                    CREATE INDEX ON app.booking (room_id);
                    -- privileges: a table the role may only read, and an id sequence it may not move
                    CREATE TABLE app.priv_org (id bigserial PRIMARY KEY);
                    CREATE TABLE app.priv_item (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES app.priv_org);
                    CREATE INDEX ON app.priv_item (org_id);
                    """);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
                st.execute("GRANT USAGE ON SCHEMA app TO " + ROLE);
                st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO " + ROLE);
                st.execute("REVOKE INSERT, UPDATE, DELETE ON app.priv_org FROM " + ROLE);
            }
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        db.close();
        try (ScratchDatabase admin = TestDatabase.fresh("runhazards_drop"); Connection c = admin.connect();
             Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    /** A job on {@code root} that connects as the purging role (or, with {@code asRole} false, as the test's user). */
    private static Path job(String name, String root, boolean asRole) throws Exception {
        String yaml = "job: " + name + "\nroot:\n  table: " + root + "\n  where: \"id = 1\"\n";
        if (!asRole) {
            return JobFiles.write(dir, name + ".yaml", yaml, db.url());
        }
        Path pw = dir.resolve(name + ".password");
        Files.writeString(pw, PASSWORD);
        Path file = dir.resolve(name + "_role.yaml");
        Files.writeString(file, yaml + "\ndatabase:\n  url: " + db.url() + "\n  user: " + ROLE + "\n  passwordFile: "
                + pw + "\n");
        return file;
    }

    private static void assertRefusedByPlanAndGenerate(Path job, String... parts) {
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(plan.out()).as(plan.toString()).contains(parts);
        Path out = dir.resolve("generated-" + job.getFileName());
        Cli.Result generate = Cli.run("generate", "-j", job.toString(), "-o", out.toString());
        assertThat(generate.exitCode()).as(generate.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(out).as("generate wrote nothing").doesNotExist();
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void rowSecurityHidingRowsFromThePurgingRoleIsRefusedUntilItBypassesIt() throws Exception {
        Path job = job("rls", "app.rls_org", true);
        assertRefusedByPlanAndGenerate(job, "ERROR  row-level security app.rls_doc",
                "policy nothing_visible", "role " + ROLE + " is not its owner postgres",
                "ALTER ROLE " + ROLE + " BYPASSRLS");
        Cli.Result asOwner = Cli.run("plan", "-j", job("rls", "app.rls_org", false).toString());
        assertThat(asOwner.out()).as("the owner bypasses it").doesNotContain("row-level security");
        sql("ALTER ROLE " + ROLE + " BYPASSRLS");
        try {
            Cli.Result bypassing = Cli.run("plan", "-j", job.toString());
            assertThat(bypassing.exitCode()).as(bypassing.toString()).isZero();
            assertThat(bypassing.out()).doesNotContain("row-level security");
        } finally {
            sql("ALTER ROLE " + ROLE + " NOBYPASSRLS");
        }
    }

    @Test
    void forcedRowSecurityBindsTheOwnerToo() throws Exception {
        sql("ALTER TABLE app.rls_doc FORCE ROW LEVEL SECURITY; ALTER TABLE app.rls_doc OWNER TO " + ROLE);
        try {
            assertRefusedByPlanAndGenerate(job("rls_force", "app.rls_org", true), "ERROR  row-level security",
                    "FORCEs row-level security", "ALTER TABLE app.rls_doc NO FORCE ROW LEVEL SECURITY");
            sql("ALTER TABLE app.rls_doc NO FORCE ROW LEVEL SECURITY");
            Cli.Result owner = Cli.run("plan", "-j", job("rls_force", "app.rls_org", true).toString());
            assertThat(owner.exitCode()).as(owner.toString()).isZero();
        } finally {
            sql("ALTER TABLE app.rls_doc NO FORCE ROW LEVEL SECURITY; ALTER TABLE app.rls_doc OWNER TO postgres");
        }
    }

    @Test
    void insteadRuleOnDeleteIsRefusedAndAlsoRuleWarned() throws Exception {
        assertRefusedByPlanAndGenerate(job("soft", "app.soft_org", false), "ERROR  delete rule app.soft_org",
                "DO INSTEAD rule soft_delete ON DELETE", "ALTER TABLE app.soft_org DISABLE RULE soft_delete");
        Cli.Result logged = Cli.run("plan", "-j", job("logged", "app.logged_org", false).toString());
        assertThat(logged.exitCode()).as(logged.toString()).isZero();
        assertThat(logged.out()).contains("WARNING  delete rule app.logged_org", "DO ALSO rule log_delete");
        sql("ALTER TABLE app.soft_org DISABLE RULE soft_delete");
        try {
            Cli.Result disabled = Cli.run("plan", "-j", job("soft", "app.soft_org", false).toString());
            assertThat(disabled.exitCode()).as(disabled.toString()).isZero();
            assertThat(disabled.out()).doesNotContain("delete rule");
        } finally {
            sql("ALTER TABLE app.soft_org ENABLE RULE soft_delete");
        }
    }

    @Test
    void exclusionConstraintIsWarnedForRollback() throws Exception {
        Cli.Result plan = Cli.run("plan", "-j", job("rooms", "app.room", false).toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("WARNING  exclusion constraint app.booking", "booking_during_excl",
                "rollback can fail");
    }

    @Test
    void missingPrivilegesAreRefusedWithTheGrantsThatFixThem() throws Exception {
        Path job = job("priv", "app.priv_org", true);
        assertRefusedByPlanAndGenerate(job, "ERROR  missing privilege app.priv_org",
                "lacks INSERT, UPDATE, DELETE on table app.priv_org",
                "GRANT INSERT, UPDATE, DELETE ON app.priv_org TO " + ROLE + ";",
                "ERROR  missing privilege app.priv_org_id_seq",
                "GRANT USAGE, UPDATE ON SEQUENCE app.priv_org_id_seq TO " + ROLE + ";");
        String out = Cli.run("plan", "-j", job.toString()).out();
        Matcher grants = Pattern.compile("GRANT [^;]+;").matcher(out);
        int n = 0;
        while (grants.find()) {
            sql(grants.group());
            n++;
        }
        assertThat(n).isEqualTo(2);
        Cli.Result granted = Cli.run("plan", "-j", job.toString());
        assertThat(granted.exitCode()).as(granted.toString()).isZero();
        assertThat(granted.out()).doesNotContain("missing privilege");
    }
}
