package io.declutter.runner.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code declutter audit} on the demo database after a purge of the demo job (docs/audit.md#after-a-purge): the
 * backup tables with their job, table and run; the rows each run deleted per table; and an audit that waits for no
 * lock: with another session holding an ACCESS EXCLUSIVE lock on a table, it ends at its lock timeout (exit 1,
 * the database's message) instead of queueing.
 */
class AuditAfterPurgeTest {

    private static DemoPurge demo;

    @BeforeAll
    static void purge() throws Exception {
        demo = DemoPurge.create("audit_purge");
        demo.generateAndDeploy();
        demo.cli(0, "run", "--ignore-window");
    }

    @AfterAll
    static void drop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void showsTheBackupTablesAndWhatEachRunDeleted() throws Exception {
        Cli.Result r = demo.cli(ExitCodes.OK, "audit", "--json");
        JsonNode a = new ObjectMapper().readTree(r.out());
        List<String> backupJobs = new ArrayList<>();
        a.get("backupTables").forEach(b -> backupJobs.add(b.get("job").asText()));
        assertThat(backupJobs).isNotEmpty().containsOnly(DemoPurge.JOB);
        List<JsonNode> runs = new ArrayList<>();
        a.get("runs").forEach(runs::add);
        assertThat(runs).isNotEmpty().allSatisfy(run -> {
            assertThat(run.get("job").asText()).isEqualTo(DemoPurge.JOB);
            assertThat(run.get("status").asText()).isEqualTo("done");
        });
        assertThat(runs).anySatisfy(run -> {
            assertThat(run.get("table").asText()).isEqualTo("app.tenants");
            assertThat(run.get("rowsDeleted").asLong()).isPositive();
        });
        List<String> backupFindings = new ArrayList<>();
        a.get("findings").forEach(f -> {
            if (f.get("kind").asText().equals("BACKUP_TABLE")) {
                backupFindings.add(f.get("detail").asText());
            }
        });
        assertThat(backupFindings).anySatisfy(d -> assertThat(d).contains("backup of app.tenants for job "
                + DemoPurge.JOB, "runs " + runs.get(0).get("runId").asLong() + " (done)"));

        // per run and table: the space the purge freed and what VACUUM FULL or pg_repack would still give back
        List<JsonNode> after = new ArrayList<>();
        a.get("afterPurges").forEach(after::add);
        assertThat(after).hasSameSizeAs(runs).allSatisfy(p -> {
            assertThat(p.get("job").asText()).isEqualTo(DemoPurge.JOB);
            assertThat(p.has("stillReclaimableBytes")).isTrue();
        });
        assertThat(after).anySatisfy(p -> {
            assertThat(p.get("table").asText()).isEqualTo("app.documents");
            assertThat(p.get("rowsDeleted").asLong()).isPositive();
            assertThat(p.get("freedBytes").asLong()).isPositive();
            assertThat(p.get("stillReclaimableBytes").isNumber()).isTrue();
        });

        Cli.Result text = demo.cli(ExitCodes.OK, "audit");
        assertThat(text.out()).contains("Backup tables of declutter", "After purges", "freed (est.)",
                "still reclaimable (est.)", "app.tenants");
    }

    /**
     * EXCLUSIVE conflicts with every lock mode but ACCESS SHARE: held on every table of the application and of
     * declutter, the audit (counting rows too) still runs, so it takes nothing stronger (docs/audit.md#read-only).
     */
    @Test
    void takesNoLockStrongerThanAccessShare() throws Exception {
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            List<String> tables = new ArrayList<>();
            try (java.sql.ResultSet rs = st.executeQuery("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
                    + " WHERE schemaname IN ('app', 'declutter') ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).hasSizeGreaterThan(19);
            st.execute("LOCK TABLE " + String.join(", ", tables) + " IN EXCLUSIVE MODE");
            Cli.Result r = demo.cli("audit", "--exact");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).contains("app.tenants", "Backup tables of declutter");
            c.rollback();
        }
    }

    @Test
    void waitsForNoLock() throws Exception {
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("LOCK TABLE app.tenants IN ACCESS EXCLUSIVE MODE");
            Cli.Result r = demo.cli("audit");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(r.err()).as(r.toString()).contains("lock timeout");
            c.rollback();
        }
    }
}
