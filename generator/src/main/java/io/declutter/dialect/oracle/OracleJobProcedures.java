package io.declutter.dialect.oracle;

import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The job's procedures on Oracle: one package per job ({@code DECLUTTER.<JOB>}) and the framework functions,
 * called with JDBC escapes. The queries {@link JobProcedures} shares between the dialects are inherited.
 * A unit that runs longer than the job's statement timeout is cancelled by the driver (ORA-01013), rolled back
 * by the step procedure and reported as 'retry'.
 */
public final class OracleJobProcedures extends JobProcedures {

    private static final int MAX_KEY_PARTS = 8;

    private final String pkg;
    private final Duration statementTimeout;

    public OracleJobProcedures(java.sql.Connection connection, String job, Duration statementTimeout) {
        super(connection, job, OracleDialect.SCHEMA);
        this.pkg = OracleDialect.SCHEMA + "." + OracleDialect.latest().quote(job.toUpperCase(Locale.ROOT));
        this.statementTimeout = statementTimeout;
    }

    /** The job's package, qualified: {@code DECLUTTER.TENANT_PURGE}. */
    public String pkg() {
        return pkg;
    }

    @Override
    protected String logRowsColumn() {
        return "row_count";
    }

    @Override
    public void requireDeployed() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT 1 FROM " + schema() + ".CONTROL WHERE job = ? AND ROWNUM = 1")) {
            ps.setString(1, job());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job() + " is not deployed in this database;"
                            + " run 'declutter deploy' first");
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 942) { // ORA-00942: table or view does not exist
                throw new RefusedException(ErrorKind.BAD_INPUT, "declutter is not deployed in this database (no "
                        + schema() + ".CONTROL table, or no SELECT on it); run 'declutter deploy' first", e);
            }
            throw e;
        }
    }

    @Override
    public void lockJob() throws SQLException {
        try (CallableStatement cs = connection().prepareCall("{? = call " + schema() + ".LOCK_JOB(?, 1)}")) {
            cs.registerOutParameter(1, Types.INTEGER);
            cs.setString(2, job());
            cs.execute();
            if (cs.getInt(1) != 1) {
                throw new RefusedException(ErrorKind.BUSY, "another session is working on job " + job()
                        + " (a runner, or " + pkg + ".DELETE_RUN); nothing done");
            }
        }
    }

    @Override
    public long beginRun(Optional<Instant> deadline, int batchSize) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("{? = call " + schema() + ".BEGIN_RUN(?, ?, ?)}")) {
            cs.registerOutParameter(1, Types.NUMERIC);
            cs.setString(2, job());
            cs.setTimestamp(3, deadline.map(Timestamp::from).orElse(null));
            cs.setInt(4, batchSize);
            cs.execute();
            return cs.getLong(1);
        }
    }

    @Override
    public void addKeys(long run, List<List<String>> keys) throws SQLException {
        boolean autoCommit = connection().getAutoCommit();
        connection().setAutoCommit(false);
        try {
            try (PreparedStatement del = connection().prepareStatement("DELETE FROM " + schema() + ".RUN_KEY WHERE run_id = ?")) {
                del.setLong(1, run);
                del.executeUpdate();
            }
            try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema()
                    + ".RUN_KEY (run_id, key_no, k1, k2, k3, k4, k5, k6, k7, k8) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int n = 0;
                for (List<String> key : keys.stream().distinct().toList()) {
                    if (key.size() > MAX_KEY_PARTS) {
                        throw new RefusedException(ErrorKind.BAD_INPUT, "a key has " + key.size() + " parts; Oracle runs take"
                                + " at most " + MAX_KEY_PARTS);
                    }
                    ps.setLong(1, run);
                    ps.setInt(2, ++n);
                    for (int i = 0; i < MAX_KEY_PARTS; i++) {
                        ps.setString(3 + i, i < key.size() ? key.get(i) : null);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            connection().commit();
        } catch (SQLException | RuntimeException e) {
            connection().rollback();
            throw e;
        } finally {
            connection().setAutoCommit(autoCommit);
        }
    }

    @Override
    public Step step(long run, int maxRows) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("{call " + pkg + ".STEP(?, ?, 0, ?, ?, ?)}")) {
            cs.setLong(1, run);
            cs.setInt(2, maxRows);
            cs.registerOutParameter(3, Types.VARCHAR);
            cs.registerOutParameter(4, Types.NUMERIC);
            cs.registerOutParameter(5, Types.NUMERIC);
            cs.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, statementTimeout.toSeconds())));
            cs.execute();
            return new Step(cs.getString(3), cs.getLong(4), cs.getLong(5));
        }
    }

    @Override
    public void rollback(long run) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("{call " + pkg + ".ROLLBACK_RUN(?)}")) {
            cs.setLong(1, run);
            cs.execute();
        }
    }

    @Override
    public boolean requestPause(long run) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("{? = call " + schema() + ".REQUEST_PAUSE(?)}")) {
            cs.registerOutParameter(1, Types.INTEGER);
            cs.setLong(2, run);
            cs.execute();
            return cs.getInt(1) == 1;
        }
    }

    @Override
    public List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT child_table FROM " + schema()
                + ".CONTROL WHERE job = ? AND is_primary = 1 ORDER BY height, child_table")) {
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
        return "SELECT table_name, height, backup_rows, present_rows, deleted_rows, orphan_rows FROM TABLE("
                + pkg + ".VERIFY_RUN(?)) ORDER BY height, table_name";
    }

    /** In Oracle SQL: no FILTER, no EXTRACT(EPOCH ...). */
    @Override
    public String statusSql() {
        String seconds = "EXTRACT(DAY FROM (l.ended_at - l.started_at)) * 86400"
                + " + EXTRACT(HOUR FROM (l.ended_at - l.started_at)) * 3600"
                + " + EXTRACT(MINUTE FROM (l.ended_at - l.started_at)) * 60"
                + " + EXTRACT(SECOND FROM (l.ended_at - l.started_at))";
        return """
                SELECT c.child_table, c.height,
                       CASE WHEN c.run_id = ? THEN c.status ELSE '-' END,
                       NVL(SUM(CASE WHEN l.action IN ('cache', 'catch-up') THEN l.row_count END), 0),
                       NVL(SUM(CASE WHEN l.action IN ('delete', 'catch-up delete') THEN l.row_count END), 0),
                       NVL(SUM(CASE WHEN l.action = 'restore' THEN l.row_count END), 0),
                       SUM(CASE WHEN l.action = 'delete' THEN %2$s END),
                       CASE WHEN c.run_id = ? THEN c.last_error END
                  FROM %1$s.CONTROL c
                  LEFT JOIN %1$s.CONTROL e ON e.job = c.job AND e.child_table = c.child_table AND e.strategy = 'delete'
                  LEFT JOIN %1$s.LOG l ON l.run_id = ? AND l.edge_id = e.edge_id
                 WHERE c.job = ? AND c.is_primary = 1
                 GROUP BY c.child_table, c.height, c.run_id, c.status, c.last_error
                 ORDER BY c.height, c.child_table
                """.formatted(schema(), seconds);
    }

    /** Optimizer statistics after a complete run (Oracle's counterpart of VACUUM (ANALYZE)). */
    static void gatherStats(java.sql.Connection connection, List<String> tables) throws SQLException {
        try (CallableStatement cs = connection.prepareCall(
                "BEGIN DBMS_STATS.GATHER_TABLE_STATS(ownname => ?, tabname => ?); END;")) {
            for (String t : tables) {
                int dot = t.indexOf('.');
                cs.setString(1, t.substring(0, dot));
                cs.setString(2, t.substring(dot + 1));
                cs.execute();
            }
        }
    }
}
