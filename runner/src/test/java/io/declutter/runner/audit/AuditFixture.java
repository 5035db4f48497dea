package io.declutter.runner.audit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small database with the clutter the audit finds (docs/audit.md#findings): a table half deleted (dead tuples,
 * bloat), an append-only table with a timestamp column, an unindexed foreign key, a foreign key into a partition,
 * and a backup table of declutter's with its comment.
 */
final class AuditFixture {

    private AuditFixture() {
    }

    static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA app");
            // Autovacuum off on the tables whose dead tuples the tests count: it would clean them up.
            st.execute("CREATE TABLE app.events (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),"
                    + " payload text) WITH (autovacuum_enabled = false)");
            st.execute("INSERT INTO app.events SELECT g, now(), repeat('x', 200) FROM generate_series(1, 10000) g");
            st.execute("DELETE FROM app.events WHERE id % 2 = 0");
            st.execute("CREATE TABLE app.log_entries (id bigint PRIMARY KEY, logged_at timestamptz NOT NULL, msg text)"
                    + " WITH (autovacuum_enabled = false)");
            st.execute("INSERT INTO app.log_entries SELECT g, now() - g * interval '1 hour', 'm' FROM"
                    + " generate_series(1, 2000) g");
            st.execute("CREATE TABLE app.customers (id int PRIMARY KEY, name text)");
            st.execute("INSERT INTO app.customers VALUES (1, 'a'), (2, 'b')");
            st.execute("CREATE TABLE app.orders (id int PRIMARY KEY, customer_id int REFERENCES app.customers)");
            st.execute("INSERT INTO app.orders VALUES (1, 1)");
            st.execute("CREATE TABLE app.measurements (id int, k int, PRIMARY KEY (id, k)) PARTITION BY RANGE (k)");
            st.execute("CREATE TABLE app.measurements_low PARTITION OF app.measurements FOR VALUES FROM (0) TO (100)");
            st.execute("CREATE TABLE app.flags (id int PRIMARY KEY, m_id int, m_k int,"
                    + " CONSTRAINT flags_measurement FOREIGN KEY (m_id, m_k) REFERENCES app.measurements_low)");
            st.execute("CREATE INDEX ON app.flags (m_id, m_k)");
            st.execute("ANALYZE");
        }
        awaitStatistics(c, "events", "n_dead_tup >= 5000");
        awaitStatistics(c, "log_entries", "n_tup_ins >= 2000");
    }

    /** A backup table as a deployment of job j1 leaves it (docs/design.md), for the backup-table findings. */
    static void backupTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA declutter");
            st.execute("CREATE TABLE declutter.bk_j1_events (declutter_run bigint NOT NULL, declutter_seq bigint"
                    + " GENERATED ALWAYS AS IDENTITY, id int, PRIMARY KEY (declutter_run, id))");
            st.execute("INSERT INTO declutter.bk_j1_events (declutter_run, id) SELECT 1, g FROM generate_series(1, 500) g");
            st.execute("COMMENT ON TABLE declutter.bk_j1_events IS 'declutter backup of app.events for job j1'");
        }
    }

    /**
     * Waits until the statistics of another session show the writes (PostgreSQL 15 flushes them when a session is
     * idle, about once a second): the audit reads them from its own session. Not a timing assertion: it only waits
     * for a precondition, and fails with the reason when it never holds.
     */
    static void awaitStatistics(Connection c, String table, String condition) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_force_next_flush()");
        }
        for (int i = 0; i < 600; i++) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = 'app'"
                         + " AND relname = '" + table + "' AND " + condition)) {
                rs.next();
                if (rs.getLong(1) == 1) {
                    return;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the statistics never showed " + condition + " for app." + table);
    }
}
