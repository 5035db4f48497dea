package io.declutter.runner.hard;

import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.RoundTrip;
import io.declutter.runner.testing.TableRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cycles across tables that only DEFERRABLE NOT NULL foreign keys break (docs/design.md#deferred-cycle-units): each
 * delete batch takes a connected set of rows of the cycle's tables and deletes it in one transaction with the
 * constraints deferred; rollback restores the cycle in one transaction. Batches are far smaller than the cycle's rows,
 * rows of one tenant's cycle reach into other tenants' rows, and the constraints are DEFERRABLE INITIALLY IMMEDIATE as
 * well as INITIALLY DEFERRED.
 */
class DeferrableCyclesTest {

    /**
     * orders.last_event_id -> events (NOT NULL, DEFERRABLE INITIALLY IMMEDIATE) and events.order_id -> orders (NOT
     * NULL, not deferrable): the only way out is deferring orders_last_event_fk. An order's last event is now and then
     * an event of the previous order, so connected sets span several orders (and tenants).
     */
    private static final String TWO_TABLES = """
            CREATE SCHEMA d;
            CREATE TABLE d.tenants (id int PRIMARY KEY, closed boolean NOT NULL);
            CREATE TABLE d.orders (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES d.tenants,
                                   last_event_id int NOT NULL, note text);
            CREATE TABLE d.events (id int PRIMARY KEY, order_id int NOT NULL REFERENCES d.orders, kind text NOT NULL);
            CREATE INDEX ON d.orders (last_event_id);
            CREATE INDEX ON d.events (order_id);
            ALTER TABLE d.orders ADD CONSTRAINT orders_last_event_fk FOREIGN KEY (last_event_id) REFERENCES d.events
                DEFERRABLE INITIALLY IMMEDIATE;
            CREATE TABLE d.invoices (id int PRIMARY KEY, order_id int NOT NULL REFERENCES d.orders);
            BEGIN;
            SET CONSTRAINTS ALL DEFERRED;
            INSERT INTO d.tenants SELECT g, g % 3 = 0 FROM generate_series(1, 12) g;
            INSERT INTO d.orders SELECT g, 1 + g % 12, CASE WHEN g % 5 = 0 AND g > 1 THEN (g - 1) * 10 + 2 ELSE g * 10 END,
                                        'o' || g FROM generate_series(1, 120) g;
            INSERT INTO d.events SELECT o * 10 + k, o, 'k' || k FROM generate_series(1, 120) o, generate_series(0, 3) k;
            INSERT INTO d.invoices SELECT g, g FROM generate_series(1, 120) g WHERE g % 2 = 0;
            COMMIT;
            """;

    /** a -> b -> c -> a: a.c_id (DEFERRABLE INITIALLY DEFERRED) closes it; b and c also hang under the tenant. */
    private static final String THREE_TABLES = """
            CREATE SCHEMA t;
            CREATE TABLE t.tenants (id int PRIMARY KEY, closed boolean NOT NULL);
            CREATE TABLE t.a (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES t.tenants, c_id int NOT NULL);
            CREATE TABLE t.b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES t.a);
            CREATE TABLE t.c (id int PRIMARY KEY, b_id int NOT NULL REFERENCES t.b);
            CREATE TABLE t.d (id int PRIMARY KEY, c_id int NOT NULL REFERENCES t.c ON DELETE CASCADE);
            ALTER TABLE t.a ADD CONSTRAINT a_c_fk FOREIGN KEY (c_id) REFERENCES t.c DEFERRABLE INITIALLY DEFERRED;
            BEGIN;
            INSERT INTO t.tenants SELECT g, g % 2 = 0 FROM generate_series(1, 6) g;
            INSERT INTO t.a SELECT g, 1 + g % 6, CASE WHEN g % 7 = 0 THEN g + 1 ELSE g END FROM generate_series(1, 90) g;
            INSERT INTO t.b SELECT g, g FROM generate_series(1, 90) g;
            INSERT INTO t.c SELECT g, g FROM generate_series(1, 90) g;
            INSERT INTO t.c SELECT 1000 + g, g FROM generate_series(1, 90) g;
            INSERT INTO t.d SELECT g, 1000 + g FROM generate_series(1, 90) g;
            COMMIT;
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("defer");

    private ScratchDatabase db;

    private void load(String sql) throws Exception {
        db = databases.load(sql);
    }

    @Test
    void planShowsTheDeferredForeignKeyAndTheUnit() throws Exception {
        load(TWO_TABLES);
        Path job = JobFiles.write(dir, "orders.yaml", "job: order_purge\nroot:\n  table: d.tenants\n  where: closed\n",
                db.url());
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("delete (defer)", "INFO", "orders_last_event_fk", "deferring",
                "SET CONSTRAINTS");
    }

    @Test
    void twoTablesReferencingEachOtherThroughADeferrableForeignKeyArePurgedInSmallBatches() throws Exception {
        load(TWO_TABLES);
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "order_purge", "d.tenants", "closed", 3, "");
        assertThat(closure.count("d.orders")).isGreaterThan(40);
        assertThat(closure.count("d.events")).isGreaterThan(4 * 40);
        // the batches of the cycle: many more than one, each a connected set
        try (Connection c = db.connect()) {
            assertThat(scalar(c, "SELECT count(*) FROM declutter.log WHERE action = 'delete' AND table_name = 'd.events'"))
                    .isGreaterThan(20);
        }
    }

    @Test
    void threeTablesInACycleClosedByAnInitiallyDeferredForeignKeyArePurgedInSmallBatches() throws Exception {
        load(THREE_TABLES);
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "abc_purge", "t.tenants", "closed", 2, "");
        assertThat(closure.count("t.a")).isGreaterThan(40);
        assertThat(closure.count("t.d")).isGreaterThan(40);
    }

    @Test
    void lateRowsAStopAndALostBatchInTheMiddleOfTheCycleEndLikeAnUninterruptedRun() throws Exception {
        load(TWO_TABLES);
        Path job = JobFiles.write(dir, "orders.yaml", "job: order_purge\nroot:\n  table: d.tenants\n  where: closed\n"
                + "batchSize: 4\n", db.url());
        assertThat(Cli.run("deploy", "-j", job.toString()).exitCode()).isZero();
        List<String> tables = List.of("d.events", "d.invoices", "d.orders", "d.tenants");
        ClosureOracle.Closure closure;
        Map<String, Map<String, String>> before;
        try (Connection c = db.connect()) {
            closure = ClosureOracle.compute(c, "d.tenants", "closed");
            before = TableRows.of(c, tables);
        }
        long run;
        int deleteSteps = 0;
        try (Connection c = db.connect()) {
            JobProcedures procs = new PostgresJobProcedures(c, "order_purge", "declutter");
            run = procs.beginRun(Optional.empty(), 4);
            // cache, then a few batches of the cycle
            while (deleteSteps < 6) {
                JobProcedures.Step s = procs.step(run, 4);
                assertThat(s.phase()).isIn("cache", "delete");
                if (s.phase().equals("delete")) {
                    deleteSteps++;
                }
            }
            assertThat(scalar(c, "SELECT count(*) FROM declutter.control WHERE run_id = " + run
                    + " AND child_table = 'd.orders' AND is_primary AND status = 'deleted'")).isZero();
        }
        // The application, mid-cycle: a new event (and invoice) for an order of a closed tenant not deleted yet, and
        // a new order whose last event is a new event of its own, for a closed tenant (both in one transaction, the
        // deferrable constraint deferred).
        Set<String> late = new HashSet<>();
        try (Connection app = db.connect(); Statement st = app.createStatement()) {
            int order = (int) scalar(app, "SELECT min(o.id) FROM d.orders o JOIN d.tenants t ON t.id = o.tenant_id"
                    + " WHERE t.closed AND o.id > 100");
            app.setAutoCommit(false);
            st.execute("SET CONSTRAINTS ALL DEFERRED");
            st.execute("INSERT INTO d.events VALUES (5001, " + order + ", 'late')");
            st.execute("INSERT INTO d.invoices VALUES (5001, " + order + ")");
            st.execute("INSERT INTO d.orders VALUES (5002, 3, 5003, 'late order')");
            st.execute("INSERT INTO d.events VALUES (5003, 5002, 'late')");
            st.execute("UPDATE d.orders SET last_event_id = 5001 WHERE id = " + order);
            app.commit();
            late.addAll(List.of("d.events:(5001)", "d.invoices:(5001)", "d.orders:(5002)", "d.events:(5003)"));
        }
        // A batch lost: the step runs and its transaction is rolled back (as if the backend died before COMMIT).
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (CallableStatement cs = c.prepareCall("CALL declutter.order_purge_step(?, 4, false, NULL, NULL, NULL)")) {
                cs.setLong(1, run);
                cs.execute();
            }
            c.rollback();
        }
        // A new session resumes and finishes (another batch size).
        try (Connection c = db.connect()) {
            JobProcedures procs = new PostgresJobProcedures(c, "order_purge", "declutter");
            assertThat(procs.beginRun(Optional.empty(), 7)).isEqualTo(run);
            for (int i = 0; i < 10_000; i++) {
                JobProcedures.Step s = procs.step(run, 7);
                if (s.phase().equals("done")) {
                    break;
                }
                assertThat(s.phase()).as("step %d", i).isIn("cache", "delete");
            }
            assertThat(procs.runInfo(run).status()).isEqualTo("done");
            Map<String, Map<String, String>> after = TableRows.of(c, tables);
            for (String t : tables) {
                Set<String> gone = TableRows.missing(before.get(t), after.get(t));
                assertThat(gone).as("rows of %s deleted", t).containsExactlyInAnyOrderElementsOf(closure.keys(t));
                assertThat(TableRows.changed(before.get(t), after.get(t))).as("rows of %s changed", t).isEmpty();
                assertThat(after.get(t).keySet()).as("rows of %s that appeared", t).isSubsetOf(before.get(t).keySet());
            }
            long closureRows = closure.total();
            long[] totals = procs.totals(run);
            assertThat(totals).as("rows cached and deleted: the closure and the late rows, once each")
                    .containsExactly(closureRows + late.size(), closureRows + late.size());
            assertThat(scalar(c, "SELECT count(*) FROM declutter.log WHERE run_id = " + run + " AND action = 'error'"))
                    .isZero();
            assertThat(scalar(c, "SELECT count(*) FROM declutter.order_purge_verify(" + run
                    + ") WHERE present_rows > 0 OR orphan_rows > 0")).isZero();
        }
        assertThat(Cli.run("verify", "-j", job.toString(), "--run", String.valueOf(run)).exitCode()).isZero();
        assertThat(Cli.run("rollback", "-j", job.toString(), "--run", String.valueOf(run)).exitCode()).isZero();
        try (Connection c = db.connect()) {
            Map<String, Map<String, String>> restored = TableRows.of(c, tables);
            for (String t : tables) {
                Map<String, String> expected = new java.util.HashMap<>(before.get(t));
                assertThat(TableRows.missing(expected, restored.get(t))).as("rows of %s not restored", t).isEmpty();
            }
            assertThat(scalar(c, "SELECT count(*) FROM d.orders WHERE id = 5002")).isOne();
            assertThat(scalar(c, "SELECT count(*) FROM d.events WHERE id IN (5001, 5003)")).isEqualTo(2);
        }
    }

    @Test
    void rollbackAfterAPartialPurgeOfTheCycleRestoresEveryTable() throws Exception {
        load(THREE_TABLES);
        Path job = JobFiles.write(dir, "abc.yaml", "job: abc_purge\nroot:\n  table: t.tenants\n  where: closed\n",
                db.url());
        assertThat(Cli.run("deploy", "-j", job.toString()).exitCode()).isZero();
        List<String> tables = List.of("t.a", "t.b", "t.c", "t.d", "t.tenants");
        Map<String, Checksums.Sum> sums;
        try (Connection c = db.connect()) {
            sums = Checksums.of(c, tables);
        }
        long run;
        try (Connection c = db.connect()) {
            JobProcedures procs = new PostgresJobProcedures(c, "abc_purge", "declutter");
            run = procs.beginRun(Optional.empty(), 3);
            // stop once the cycle is partly deleted: some of its batches done, more to come
            while (scalar(c, "SELECT count(*) FROM t.c") > 150) {
                assertThat(procs.step(run, 3).phase()).isIn("cache", "delete");
            }
            assertThat(scalar(c, "SELECT count(*) FROM t.a")).isLessThan(90);
            assertThat(scalar(c, "SELECT count(*) FROM t.tenants")).isEqualTo(6);
        }
        assertThat(Cli.run("rollback", "-j", job.toString(), "--run", String.valueOf(run)).exitCode()).isZero();
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).isEqualTo(sums);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Archived before delete: each batch of the deferred unit spans its tables. */
    @Test
    void aDeferredCycleArchivedUnitByUnitIsRestoredFromTheArchive() throws Exception {
        load(TWO_TABLES);
        try (Connection c = db.connect()) {
            RoundTrip.checkArchived(db, dir, "order_purge", "d.tenants", "closed", 3, RoundTrip.userTables(c));
        }
    }
}
