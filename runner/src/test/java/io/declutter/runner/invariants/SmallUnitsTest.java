package io.declutter.runner.invariants;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small units run on within a call of the step procedure, and units with nothing to do run no statement
 * (docs/design.md#cache, docs/design.md#delete-batches), without weakening invariant 1: every row deleted is in the
 * committed backup.
 *
 * <p>The demo purge, with the closed tenants' invoices (and what hangs below them) removed beforehand, so that the
 * cache meets parents with an empty backup: {@code app.invoice_lines}, {@code app.payments} and {@code app.refunds}
 * are reached only through {@code app.invoices}.
 */
class SmallUnitsTest {

    private static final List<String> BELOW_EMPTY_INVOICES = List.of("invoice_lines", "payments", "refunds");

    private static DemoPurge demo;
    private static Map<String, Map<String, String>> before;
    private static ClosureOracle.Closure closure;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("small");
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            String closed = "(SELECT i.id FROM app.invoices AS i JOIN app.tenants AS t ON t.id = i.tenant_id"
                    + " WHERE t.status = 'closed')";
            st.execute("DELETE FROM app.refunds WHERE payment_id IN (SELECT id FROM app.payments WHERE invoice_id IN "
                    + closed + ")");
            st.execute("DELETE FROM app.payments WHERE invoice_id IN " + closed);
            st.execute("DELETE FROM app.invoice_lines WHERE invoice_id IN " + closed);
            st.execute("DELETE FROM app.invoices WHERE id IN " + closed);
        }
        demo.generateAndDeploy();
        try (Connection c = demo.connect()) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            closure = demo.oracle(c);
        }
        assertThat(closure.count("app.invoices")).isZero();
        assertThat(closure.total()).isGreaterThan(1000);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void smallUnitsShareACallWhichDeletesAtMostItsBatchSize() throws Exception {
        try (Connection runner = demo.connect(); Connection observer = demo.connect()) {
            JobProcedures procs = demo.procs(runner);
            long run = procs.beginRun(Optional.empty(), 1000);

            // The cache in one transaction of the runner's connection: the tables below the empty parent are never
            // read (pg_stat_xact_user_tables counts this transaction's scans), yet their units are noted cached.
            runner.setAutoCommit(false);
            int cacheCalls = 0;
            String phase;
            do {
                phase = DemoPurge.cacheStep(runner, run);
                cacheCalls++;
            } while (phase.equals("cache"));
            assertThat(phase).isEqualTo("cached");
            for (String table : BELOW_EMPTY_INVOICES) {
                assertThat(scans(runner, table)).as("scans of app.%s in the cache's transaction", table).isZero();
            }
            runner.commit();
            runner.setAutoCommit(true);
            int cacheUnits = count(observer, "SELECT count(*) FROM declutter.log WHERE run_id = ? AND action = 'cache'", run);
            assertThat(count(observer, "SELECT count(*) FROM declutter.control WHERE run_id = ? AND status = 'pending'",
                    run)).as("units still pending").isZero();
            assertThat(cacheCalls).as("cache calls for %d units", cacheUnits).isLessThan(cacheUnits / 2);

            // Deletes in calls of at most 40 rows; some call takes batches of two tables.
            long lastLog = count(observer, "SELECT coalesce(max(log_id), 0) FROM declutter.log WHERE run_id = ?", run);
            long deleted = 0;
            int spanning = 0;
            JobProcedures.Step step;
            do {
                step = procs.step(run, 40);
                assertThat(step.phase()).isIn("delete", "done");
                assertThat(step.rows()).as("rows of one call").isLessThanOrEqualTo(40);
                deleted += step.rows();
                Set<String> tables = new TreeSet<>();
                try (PreparedStatement ps = observer.prepareStatement("SELECT log_id, table_name FROM declutter.log"
                        + " WHERE run_id = ? AND log_id > ? AND action = 'delete' AND rows > 0 ORDER BY log_id")) {
                    ps.setLong(1, run);
                    ps.setLong(2, lastLog);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lastLog = rs.getLong(1);
                            tables.add(rs.getString(2));
                        }
                    }
                }
                if (tables.size() > 1) {
                    spanning++;
                }
                long gone = PurgeAssertions.assertEveryMissingRowIsBackedUp(observer, run, before, closure).values()
                        .stream().mapToLong(Integer::longValue).sum();
                assertThat(gone).as("rows gone after the call").isEqualTo(deleted);
            } while (!step.phase().equals("done"));
            assertThat(spanning).as("calls that deleted rows of two tables or more").isPositive();
            assertThat(deleted).isEqualTo(closure.total());
            assertThat(procs.runInfo(run).status()).isEqualTo("done");
        }
    }

    /** Sequential and index scans of {@code app.<table>} in the current transaction. */
    private static long scans(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0)"
                + " FROM pg_stat_xact_user_tables WHERE schemaname = 'app' AND relname = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(rs.getLong(1));
                }
                assertThat(found).as("app.%s in pg_stat_xact_user_tables", table).hasSize(1);
                return found.get(0);
            }
        }
    }

    private static int count(Connection c, String sql, long run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
