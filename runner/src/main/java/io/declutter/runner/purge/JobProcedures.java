package io.declutter.runner.purge;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

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
import java.util.Set;

/** JDBC calls of a deployed job's procedures and of the framework functions (PostgreSQL; Oracle: {@link OracleJobProcedures}). */
public class JobProcedures {

    /** SQLSTATEs of a lock timeout (lock_not_available) and a statement timeout or cancel (query_canceled). */
    private static final Set<String> TIMEOUTS = Set.of("55P03", "57014");

    private final Connection connection;
    private final String job;
    private final String schema;
    private final Duration lockTimeout;
    private final Duration statementTimeout;

    public JobProcedures(Connection connection, String job, String schema) {
        this(connection, job, schema, null, null);
    }

    /**
     * With timeouts, each {@link #step} runs in a transaction of its own that sets {@code lock_timeout} and
     * {@code statement_timeout} (SET LOCAL) before calling the step procedure: PostgreSQL arms the statement
     * timeout when a top-level statement starts, so one set inside the {@code CALL} would bound nothing.
     */
    public JobProcedures(Connection connection, String job, String schema, Duration lockTimeout,
                         Duration statementTimeout) {
        this.connection = connection;
        this.job = job;
        this.schema = schema;
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
    }

    /** The procedures of a job in the dialect's database. */
    public static JobProcedures of(Connection connection, io.declutter.dialect.Dialect dialect, io.declutter.model.Job job) {
        if (dialect instanceof io.declutter.dialect.oracle.OracleDialect) {
            return new OracleJobProcedures(connection, job.name(), job.statementTimeout());
        }
        return new JobProcedures(connection, job.name(), dialect.frameworkSchema(), job.lockTimeout(),
                job.statementTimeout());
    }

    protected Connection connection() {
        return connection;
    }

    public String job() {
        return job;
    }

    public String schema() {
        return schema;
    }

    /** The result of one call of the step procedure. */
    public record Step(String phase, long rows, long remaining) {
    }

    public void requireDeployed() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM " + schema + ".control WHERE job = ? LIMIT 1")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UserError(ExitCodes.BAD_INPUT, "job " + job + " is not deployed in this database;"
                            + " run 'declutter deploy' first");
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                throw new UserError(ExitCodes.BAD_INPUT, "declutter is not deployed in this database (no "
                        + schema + ".control table); run 'declutter deploy' first", e);
            }
            throw e;
        }
    }

    /**
     * Takes the job's session-level advisory lock (the step procedure takes the same one per unit), so that
     * two runners, or a runner and the in-database delete procedure, never work on one job at once.
     */
    public void lockJob() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_try_advisory_lock(hashtext('declutter'), hashtext(?))")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new UserError(ExitCodes.STOPPED, "another session is working on job " + job
                            + " (a runner, or " + schema + "." + job + "_delete); nothing done");
                }
            }
        }
    }

    /** Starts a run or resumes the job's unfinished one. */
    public long beginRun(Optional<Instant> deadline, int batchSize) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + schema + ".begin_run(?, ?, ?)")) {
            ps.setString(1, job);
            ps.setTimestamp(2, deadline.map(Timestamp::from).orElse(null));
            ps.setInt(3, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Stores root keys for a run of a job with keys given at run time (once, before caching starts). */
    public void addKeys(long run, List<List<String>> keys) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema
                + ".run_key (run_id, key_values) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (List<String> key : keys) {
                ps.setLong(1, run);
                ps.setArray(2, connection.createArrayOf("text", key.toArray()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One unit of work. With timeouts (see the constructor) it runs under them, and a timeout the procedure could
     * not catch itself (one that fires outside its guarded block) is a 'retry' too, logged as such.
     */
    public Step step(long run, int maxRows) throws SQLException {
        if (lockTimeout == null && statementTimeout == null) {
            return callStep(run, maxRows);
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement st = connection.createStatement()) {
                st.execute((lockTimeout == null ? "" : "SET LOCAL lock_timeout = '" + Math.max(1, lockTimeout.toMillis())
                        + "ms'; ") + (statementTimeout == null ? "" : "SET LOCAL statement_timeout = '"
                        + Math.max(1, statementTimeout.toMillis()) + "ms'"));
            }
            Step step = callStep(run, maxRows);
            connection.commit();
            return step;
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            if (!TIMEOUTS.contains(e.getSQLState())) {
                throw e;
            }
            connection.setAutoCommit(autoCommit);
            noteRetry(run, e.getMessage());
            return new Step("retry", 0, -1);
        } finally {
            try {
                if (!connection.isClosed() && connection.getAutoCommit() != autoCommit) {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException ignored) {
                // the connection is broken; the error in flight says why
            }
        }
    }

    /** Logs a unit that timed out outside the step procedure's own handler, as the procedure logs its retries. */
    private void noteRetry(long run, String message) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + schema
                + ".note_error(?, NULL, NULL, 'step', ?, true, clock_timestamp())")) {
            ps.setLong(1, run);
            ps.setString(2, message);
            ps.execute();
        }
    }

    private Step callStep(long run, int maxRows) throws SQLException {
        try (CallableStatement cs = connection.prepareCall("CALL " + schema + "." + job
                + "_step(?, ?, false, NULL, NULL, NULL)")) {
            cs.setLong(1, run);
            cs.setInt(2, maxRows);
            try (ResultSet rs = cs.executeQuery()) {
                rs.next();
                return new Step(rs.getString(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    public void rollback(long run) throws SQLException {
        try (CallableStatement cs = connection.prepareCall("CALL " + schema + "." + job + "_rollback(?)")) {
            cs.setLong(1, run);
            cs.execute();
        }
    }

    public boolean requestPause(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + schema + ".request_pause(?)")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    public boolean pauseRequested(long run) throws SQLException {
        return runInfo(run).pauseRequested();
    }

    /** A row of the run table. */
    public record RunInfo(long id, String status, Instant started, Instant ended, Instant deadline,
                          boolean pauseRequested, String lastError) {
    }

    /** The run, or a clear error when the job has no such run. */
    public RunInfo runInfo(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT run_id, status, started_at, ended_at, deadline,"
                + " pause_requested, last_error FROM " + schema + ".run WHERE run_id = ? AND job = ?")) {
            ps.setLong(1, run);
            ps.setString(2, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UserError(ExitCodes.BAD_INPUT, "run " + run + " of job " + job + " does not exist;"
                            + " 'declutter status' lists the job's latest run");
                }
                return new RunInfo(rs.getLong(1), rs.getString(2), instant(rs.getTimestamp(3)),
                        instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)), rs.getBoolean(6), rs.getString(7));
            }
        }
    }

    /** The job's most recent run, if it ever ran. */
    public Optional<Long> latestRun() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT max(run_id) FROM " + schema + ".run WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(id);
            }
        }
    }

    /** The job's unfinished (running or failed) run, if any. */
    public Optional<Long> openRun() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT run_id FROM " + schema
                + ".run WHERE job = ? AND status IN ('running', 'failed')")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** Whether the run has started caching (keys can no longer be added). */
    public boolean cacheStarted(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM " + schema
                + ".control WHERE run_id = ? AND status <> 'pending' AND status <> 'skipped'")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Closure tables of the job in delete order, as {@code schema.table}. */
    public List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT child_table FROM " + schema
                + ".control WHERE job = ? AND is_primary ORDER BY height, child_table")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    /** Totals of the job's current run: rows cached and deleted. */
    public long[] totals(long run) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT COALESCE(sum(rows_cached), 0), COALESCE(sum(rows_deleted), 0) FROM " + schema
                        + ".control WHERE strategy = 'delete' AND run_id = " + run)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
