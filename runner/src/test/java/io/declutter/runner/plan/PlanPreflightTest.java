package io.declutter.runner.plan;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code plan} tells a DBA before anything runs, read from a real catalog. */
class PlanPreflightTest {

    @TempDir
    static Path dir;

    private static ScratchDatabase db;

    @BeforeAll
    static void load() throws SQLException {
        db = TestDatabase.freshDemo("preflight");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, """
                    CREATE FUNCTION app.audit_user_delete() RETURNS trigger LANGUAGE plpgsql AS
                        $$ BEGIN RETURN OLD; END $$;
                    CREATE TRIGGER users_on_delete BEFORE DELETE ON app.users
                        FOR EACH ROW EXECUTE FUNCTION app.audit_user_delete();
                    CREATE TABLE app.legal_holds (id int PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users);
                    CREATE TABLE app.exports (id int PRIMARY KEY,
                        tenant_id bigint NOT NULL REFERENCES app.tenants ON DELETE CASCADE);
                    CREATE TABLE app.referrals (id int PRIMARY KEY,
                        tenant_id bigint REFERENCES app.tenants ON DELETE SET NULL);
                    """);
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        db.close();
    }

    @Test
    void planReportsTriggersBlockingEdgesCascadesOutsideAndUnindexedForeignKeys() throws Exception {
        Path job = JobFiles.write(dir, "preflight.yaml", "job: preflight\nroot:\n  table: app.tenants\n"
                + "  where: \"status = 'closed'\"\nexclude: [app.legal_holds, app.exports, app.referrals]\n", db.url());
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out())
                .contains("WARNING  trigger app.users", "users_on_delete")
                .contains("WARNING  blocking edge", "app.legal_holds", "will make the delete fail")
                .contains("WARNING  cascade outside closure", "app.exports", "without a backup")
                .contains("INFO  set null outside closure referrals_tenant_id_fkey", "will change rows of the excluded"
                        + " table app.referrals")
                .doesNotContain("blocking edge referrals_tenant_id_fkey")
                .contains("WARNING  unindexed foreign key fk_audit_events_users")
                .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_events_user_id_idx ON app.audit_events (user_id);")
                .contains("[excluded]");

        Cli.Result ddl = Cli.run("plan", "-j", job.toString(), "--index-ddl");
        assertThat(ddl.out().strip()).isEqualTo(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_events_user_id_idx ON app.audit_events (user_id);");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(ddl.out().strip());
        }
        Cli.Result after = Cli.run("plan", "-j", job.toString());
        assertThat(after.out()).doesNotContain("unindexed foreign key");
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'declutter'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("plan changes nothing").isZero();
        }
    }
}
