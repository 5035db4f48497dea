package io.declutter.dialect.postgres;

import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** JDBC calls of a deployed job's procedures and of the framework functions on PostgreSQL. */
public final class PostgresJobProcedures extends JobProcedures {

    private final Duration lockTimeout;
    private final Duration statementTimeout;

    public PostgresJobProcedures(Connection connection, String job, String schema) {
        this(connection, job, schema, null, null);
    }

    /**
     * With timeouts, each {@link #step} runs in a transaction of its own that sets {@code lock_timeout} and
     * {@code statement_timeout} (SET LOCAL) before calling the step procedure: PostgreSQL arms the statement
     * timeout when a top-level statement starts, so one set inside the {@code CALL} would bound nothing.
     */
    public PostgresJobProcedures(Connection connection, String job, String schema, Duration lockTimeout,
                                 Duration statementTimeout) {
        super(connection, job, schema);
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
    }

    @Override
    public void requireDeployed() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT 1 FROM " + schema() + ".control WHERE job = ? LIMIT 1")) {
            ps.setString(1, job());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job() + " is not deployed in this database;"
                            + " run 'declutter deploy' first");
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "declutter is not deployed in this database (no "
                        + schema() + ".control table); run 'declutter deploy' first", e);
            }
            throw e;
        }
    }

    /**
     * Takes the job's session-level advisory lock (the step procedure takes the same one per unit), so that
     * two runners, or a runner and the in-database delete procedure, never work on one job at once.
     */
    @Override
    public void lockJob() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT pg_try_advisory_lock(hashtext('declutter'), hashtext(?))")) {
            ps.setString(1, job());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new RefusedException(ErrorKind.BUSY, "another session is working on job " + job()
                            + " (a runner, or " + schema() + "." + job() + "_delete); nothing done");
                }
            }
        }
    }

    /** Starts a run or resumes the job's unfinished one. */
    @Override
    public long beginRun(Optional<Instant> deadline, int batchSize) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT " + schema() + ".begin_run(?, ?, ?)")) {
            ps.setString(1, job());
            ps.setTimestamp(2, deadline.map(Timestamp::from).orElse(null));
            ps.setInt(3, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Stores root keys for a run of a job with keys given at run time (once, before caching starts). */
    @Override
    public void addKeys(long run, List<List<String>> keys) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema()
                + ".run_key (run_id, key_values) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (List<String> key : keys) {
                ps.setLong(1, run);
                ps.setArray(2, connection().createArrayOf("text", key.toArray()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One unit of work. With timeouts (see the constructor) it runs under them, and a timeout the procedure could
     * not catch itself (one that fires outside its guarded block) is a 'retry' too, logged as such.
     */
    @Override
    public Step step(long run, int maxRows) throws SQLException {
        if (lockTimeout == null && statementTimeout == null) {
            return callStep(run, maxRows);
        }
        boolean autoCommit = connection().getAutoCommit();
        connection().setAutoCommit(false);
        try {
            try (Statement st = connection().createStatement()) {
                st.execute((lockTimeout == null ? "" : "SET LOCAL lock_timeout = '" + Math.max(1, lockTimeout.toMillis())
                        + "ms'; ") + (statementTimeout == null ? "" : "SET LOCAL statement_timeout = '"
                        + Math.max(1, statementTimeout.toMillis()) + "ms'"));
            }
            Step step = callStep(run, maxRows);
            connection().commit();
            return step;
        } catch (SQLException e) {
            try {
                connection().rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            if (PostgresErrors.classify(e) != ErrorKind.RETRY) {
                throw e;
            }
            connection().setAutoCommit(autoCommit);
            noteRetry(run, e.getMessage());
            return new Step("retry", 0, -1);
        } finally {
            try {
                if (!connection().isClosed() && connection().getAutoCommit() != autoCommit) {
                    connection().setAutoCommit(autoCommit);
                }
            } catch (SQLException ignored) {
                // the connection is broken; the error in flight says why
            }
        }
    }

    /** Logs a unit that timed out outside the step procedure's own handler, as the procedure logs its retries. */
    private void noteRetry(long run, String message) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT " + schema()
                + ".note_error(?, NULL, NULL, 'step', ?, true, clock_timestamp())")) {
            ps.setLong(1, run);
            ps.setString(2, message);
            ps.execute();
        }
    }

    private Step callStep(long run, int maxRows) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("CALL " + schema() + "." + job()
                + "_step(?, ?, false, NULL, NULL, NULL)")) {
            cs.setLong(1, run);
            cs.setInt(2, maxRows);
            try (ResultSet rs = cs.executeQuery()) {
                rs.next();
                return new Step(rs.getString(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    @Override
    public void rollback(long run) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("CALL " + schema() + "." + job() + "_rollback(?)")) {
            cs.setLong(1, run);
            cs.execute();
        }
    }

    @Override
    public List<TriggerEffect> triggerEffects(long run) throws SQLException {
        List<TriggerEffect> effects = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT table_name, triggers, note, rows_before,"
                + " rows_after FROM " + schema() + ".trigger_effect WHERE run_id = ? ORDER BY table_name NULLS LAST,"
                + " triggers")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    effects.add(new TriggerEffect(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, Long.class), rs.getObject(5, Long.class)));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // deployed before the table existed: nothing was recorded
            }
            throw e;
        }
        return effects;
    }

    @Override
    public boolean requestPause(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT " + schema() + ".request_pause(?)")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Closure tables of the job in delete order, as {@code schema.table}. */
    @Override
    public List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT child_table FROM " + schema()
                + ".control WHERE job = ? AND is_primary ORDER BY height, child_table")) {
            ps.setString(1, job());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    @Override
    public String verifySql() {
        return "SELECT * FROM " + schema() + "." + job() + "_verify(?) ORDER BY height, table_name";
    }

    @Override
    public String statusSql() {
        // Totals per table come from the log, which keeps every run's history (the control table only the latest).
        return """
                SELECT c.child_table, c.height,
                       CASE WHEN c.run_id = ? THEN c.status ELSE '-' END,
                       COALESCE(sum(l.rows) FILTER (WHERE l.action IN ('cache', 'catch-up')), 0),
                       COALESCE(sum(l.rows) FILTER (WHERE l.action IN ('delete', 'catch-up delete')), 0),
                       COALESCE(sum(l.rows) FILTER (WHERE l.action = 'restore'), 0),
                       EXTRACT(EPOCH FROM sum(l.ended_at - l.started_at) FILTER (WHERE l.action = 'delete')),
                       CASE WHEN c.run_id = ? THEN c.last_error END
                  FROM %1$s.control AS c
                  LEFT JOIN %1$s.control AS e ON e.job = c.job AND e.child_table = c.child_table AND e.strategy = 'delete'
                  LEFT JOIN %1$s.log AS l ON l.run_id = ? AND l.edge_id = e.edge_id
                 WHERE c.job = ? AND c.is_primary
                 GROUP BY c.child_table, c.height, c.run_id, c.status, c.last_error
                 ORDER BY c.height, c.child_table
                """.formatted(schema());
    }
}
