package io.declutter.runner.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.runner.ExitCodes;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job definitions other than the demo's: root keys given at run time, no backup, and two sessions
 * competing for one job. Each test loads the demo sample into its own database.
 */
class JobVariantsTest {

    @TempDir
    Path dir;

    private ScratchDatabase db;

    @AfterEach
    void drop() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    private Path job(String name, String rootSection, String extra) throws Exception {
        db = TestDatabase.freshDemo(name);
        return JobFiles.write(dir, name + ".yaml", "job: " + name + "\nroot:\n  table: app.tenants\n" + rootSection
                + "batchSize: 500\n" + extra, db.url());
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rootKeysGivenAtRunTimePurgeExactlyThoseTenants() throws Exception {
        Path job = job("by_keys", "  keys: runtime\n", "");
        ok(Cli.run("deploy", "-j", job.toString()));
        long otherUsers = scalar("SELECT count(*) FROM app.users WHERE tenant_id NOT IN (3, 4)");

        Cli.Result noKeys = Cli.run("run", "-j", job.toString());
        assertThat(noKeys.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noKeys.err()).contains("takes its root keys at run time").contains("--keys");
        assertThat(scalar("SELECT count(*) FROM declutter.run")).as("a refused run leaves no trace").isZero();

        ok(Cli.run("run", "-j", job.toString(), "--keys", "3,4"));
        assertThat(scalar("SELECT count(*) FROM app.tenants WHERE id IN (3, 4)")).isZero();
        assertThat(scalar("SELECT count(*) FROM app.tenants")).isEqualTo(38);
        assertThat(scalar("SELECT count(*) FROM app.users WHERE tenant_id IN (3, 4)")).isZero();
        assertThat(scalar("SELECT count(*) FROM app.users")).isEqualTo(otherUsers);
        ok(Cli.run("verify", "-j", job.toString()));
    }

    @Test
    void withoutBackupThePurgeWorksAndRollbackIsRefused() throws Exception {
        Path job = job("no_backup", "  where: \"id % 5 = 0 AND status = 'closed'\"\n", "backup: false\n");
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        assertThat(scalar("SELECT count(*) FROM app.tenants WHERE id % 5 = 0")).isZero();
        assertThat(scalar("SELECT count(*) FROM app.folders f JOIN app.projects p ON p.id = f.project_id"
                + " WHERE p.tenant_id % 5 = 0")).isZero();
        // Without a backup the cache keeps only what deletes and child lookups need: no e-mail addresses.
        assertThat(scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'declutter'"
                + " AND table_name = 'bk_no_backup_users' AND column_name = 'email'")).isZero();
        ok(Cli.run("verify", "-j", job.toString()));

        Cli.Result rollback = Cli.run("rollback", "-j", job.toString(), "--run", "1");
        assertThat(rollback.exitCode()).isNotZero();
        assertThat(rollback.err()).contains("runs without a backup").contains("cannot be rolled back");
        assertThat(scalar("SELECT count(*) FROM app.tenants WHERE id % 5 = 0")).isZero();
    }

    @Test
    void statusAsJsonReportsTotalsPerTable() throws Exception {
        Path job = job("json_status", "  where: \"id = 10\"\n", "");
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        Cli.Result status = Cli.run("status", "-j", job.toString(), "--json");
        ok(status);
        JsonNode json = new ObjectMapper().readTree(status.out());
        assertThat(json.get("status").asText()).isEqualTo("done");
        long cached = json.get("cached").asLong();
        assertThat(cached).isPositive().isEqualTo(json.get("deleted").asLong());
        assertThat(json.get("remaining").asLong()).isZero();
        long perTable = 0;
        for (JsonNode t : json.get("tables")) {
            perTable += t.get("deleted").asLong();
        }
        assertThat(perTable).isEqualTo(cached);
        assertThat(scalar("SELECT sum(rows) FROM declutter.log WHERE action = 'delete'")).isEqualTo(cached);
    }

    @Test
    void aSecondSessionCannotWorkOnARunningJob() throws Exception {
        Path job = job("one_at_a_time", "  where: \"id = 10\"\n", "");
        ok(Cli.run("deploy", "-j", job.toString()));
        try (Connection other = db.connect(); Statement st = other.createStatement()) {
            st.execute("SELECT pg_advisory_lock(hashtext('declutter'), hashtext('one_at_a_time'))");
            Cli.Result r = Cli.run("run", "-j", job.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.STOPPED);
            assertThat(r.err()).contains("another session is working on job one_at_a_time");
            assertThat(scalar("SELECT count(*) FROM app.tenants WHERE id = 10")).isEqualTo(1);
        }
        ok(Cli.run("run", "-j", job.toString()));
        assertThat(scalar("SELECT count(*) FROM app.tenants WHERE id = 10")).isZero();
    }

    @Test
    void folderTreesArePurgedByDetachingChildrenAcrossBatchesAndRestoredExactly() throws Exception {
        // Batches of 7 split every folder tree of the tenant, so rows in later batches point into earlier ones.
        Path job = job("trees", "  where: \"id = 15\"\n", "");
        ok(Cli.run("deploy", "-j", job.toString()));
        String before = checksum("app.folders");
        ok(Cli.run("run", "-j", job.toString(), "--batch-size", "7", "--no-vacuum"));
        assertThat(scalar("SELECT count(*) FROM app.folders f JOIN app.projects p ON p.id = f.project_id"
                + " WHERE p.tenant_id = 15")).isZero();
        assertThat(scalar("SELECT count(*) FROM declutter.log WHERE table_name = 'app.folders' AND action = 'delete'"))
                .isGreaterThan(5);
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        assertThat(checksum("app.folders")).isEqualTo(before);
    }

    @Test
    void rollbackMovesASequenceResetAfterThePurgePastTheRestoredIds() throws Exception {
        Path job = job("sequences", "  where: \"id = 40\"\n", "");
        ok(Cli.run("deploy", "-j", job.toString()));
        long maxEvent = scalar("SELECT max(id) FROM app.audit_events");
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // A DBA "tidies" the sequences down to the rows left, below the ids of purged rows.
            st.execute("SELECT setval(pg_get_serial_sequence('app.audit_events', 'id'), (SELECT max(id) FROM app.audit_events))");
            st.execute("SELECT setval(pg_get_serial_sequence('app.tenants', 'id'), (SELECT max(id) FROM app.tenants))");
        }
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        assertThat(scalar("SELECT pg_sequence_last_value(pg_get_serial_sequence('app.audit_events', 'id')::regclass)"))
                .isEqualTo(maxEvent);
        assertThat(scalar("SELECT pg_sequence_last_value(pg_get_serial_sequence('app.tenants', 'id')::regclass)"))
                .isEqualTo(40);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO app.audit_events (tenant_id, action, payload, occurred_at) VALUES (1, 'x', '{}', now())");
        }
    }

    private String checksum(String table) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))) FROM " + table + " AS x")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
