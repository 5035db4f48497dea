package io.declutter.dialect.postgres;

import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;

import io.declutter.dialect.Resources;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.function.LongConsumer;

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
        try {
            return step(run, maxRows, null);
        } catch (IOException e) {
            throw new IllegalStateException("no file is written without a BeforeCommit", e);
        }
    }

    /**
     * The unit in a transaction of its own, under the timeouts (when given); {@code beforeCommit} (may be null) runs
     * in it after the step procedure, without a statement timeout (it reads backup tables only, and its files must
     * not be cut short), and the unit commits only when it returned. Nothing commits otherwise: the step procedure
     * never commits itself, and a runner that dies before its COMMIT leaves its backend to roll the unit back.
     */
    @Override
    public Step step(long run, int maxRows, BeforeCommit beforeCommit) throws SQLException, IOException {
        boolean autoCommit = connection().getAutoCommit();
        connection().setAutoCommit(false);
        try {
            if (lockTimeout != null || statementTimeout != null) {
                try (Statement st = connection().createStatement()) {
                    st.execute((lockTimeout == null ? "" : "SET LOCAL lock_timeout = '"
                            + Math.max(1, lockTimeout.toMillis()) + "ms'; ") + (statementTimeout == null ? ""
                            : "SET LOCAL statement_timeout = '" + Math.max(1, statementTimeout.toMillis()) + "ms'"));
                }
            }
            Step step = callStep(run, maxRows);
            if (beforeCommit != null) {
                try (Statement st = connection().createStatement()) {
                    st.execute("SET LOCAL statement_timeout = 0");
                }
                beforeCommit.run(step);
            }
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
        } catch (IOException | RuntimeException e) {
            try {
                connection().rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw e;
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
    public boolean canRehearse() {
        return true;
    }

    /**
     * Calls the job's rehearse function in a transaction of its own that is rolled back whatever happens (the
     * function also rolls its own work back), under the job's lock and statement timeouts (SET LOCAL): the statement
     * timeout bounds the whole rehearsal, one statement (docs/design.md#rehearsal).
     */
    @Override
    public Rehearsal rehearse(Integer sample, List<List<String>> keys) throws SQLException {
        boolean autoCommit = connection().getAutoCommit();
        connection().setAutoCommit(false);
        try {
            try (Statement st = connection().createStatement()) {
                st.execute((lockTimeout == null ? "" : "SET LOCAL lock_timeout = '" + Math.max(1, lockTimeout.toMillis())
                        + "ms'; ") + (statementTimeout == null ? "" : "SET LOCAL statement_timeout = '"
                        + Math.max(1, statementTimeout.toMillis()) + "ms'"));
            }
            try (PreparedStatement ps = connection().prepareStatement("SELECT outcome, root_rows, deleted_rows,"
                    + " failed_table, failed_statement, error FROM " + schema() + "." + job() + "_rehearse(?, ?::text[])")) {
                if (sample == null) {
                    ps.setNull(1, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(1, sample);
                }
                ps.setString(2, keys.isEmpty() ? null : keyArray(keys));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Rehearsal(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5), rs.getString(6));
                }
            }
        } catch (SQLException e) {
            if ("P0001".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("declutter:")) {
                throw new RefusedException(ErrorKind.BAD_INPUT, e.getMessage().replaceFirst("^ERROR: ", ""), e);
            }
            throw e;
        } finally {
            try {
                if (!connection().isClosed()) {
                    connection().rollback();
                    connection().setAutoCommit(autoCommit);
                }
            } catch (SQLException ignored) {
                // the connection is broken; the error in flight says why
            }
        }
    }

    /** Root keys as a two-dimensional text array literal, one row per key (passed as a parameter, never spliced). */
    private static String keyArray(List<List<String>> keys) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < keys.size(); i++) {
            out.append(i == 0 ? "{" : ",{");
            List<String> key = keys.get(i);
            for (int j = 0; j < key.size(); j++) {
                out.append(j == 0 ? "\"" : ",\"")
                        .append(key.get(j).replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
            out.append('}');
        }
        return out.append('}').toString();
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

    @Override
    public boolean canArchive() {
        return true;
    }

    @Override
    public List<BackupTable> backupTables() throws SQLException {
        List<BackupTable> tables = new ArrayList<>();
        String sql = Resources.text(PostgresJobProcedures.class, "backup_tables.sql").formatted(schema());
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            ps.setString(1, job());
            ps.setString(2, schema());
            try (ResultSet rs = ps.executeQuery()) {
                String table = null;
                String backup = null;
                boolean rows = false;
                List<Column> columns = new ArrayList<>();
                while (rs.next()) {
                    if (!rs.getString(2).equals(backup)) {
                        if (backup != null) {
                            tables.add(new BackupTable(table, backup, rows, columns));
                        }
                        table = rs.getString(1);
                        backup = rs.getString(2);
                        rows = rs.getBoolean(3);
                        columns = new ArrayList<>();
                    }
                    columns.add(new Column(rs.getString(4), rs.getString(5)));
                }
                if (backup != null) {
                    tables.add(new BackupTable(table, backup, rows, columns));
                }
            }
        }
        return tables;
    }

    /** A backup table's name, qualified and quoted (its name comes from the control table). */
    private String qualified(BackupTable table) {
        return schema() + "." + ident(table.backupTable());
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String columnList(BackupTable table) {
        return String.join(", ", table.columns().stream().map(c -> ident(c.name())).toList());
    }

    @Override
    public long backupRows(long run, BackupTable table) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT count(*) FROM " + qualified(table)
                + " WHERE declutter_run = ?")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Fixes the settings that decide how values are written as text (docs/archive.md#format), for this transaction:
     * the same rows are then written as the same bytes whoever exports them, and read back as the same values.
     */
    private void textSettings() throws SQLException {
        try (Statement st = connection().createStatement()) {
            st.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres';"
                    + " SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'");
        }
    }

    /** COPY ... TO STDOUT of the run's rows in backup order, one row per message of the protocol (streamed). */
    @Override
    public long exportBackup(long run, BackupTable table, OutputStream out, LongConsumer progress)
            throws SQLException, IOException {
        return export(run, table, "", out, progress);
    }

    @Override
    public long exportBackup(long run, BackupTable table, long seqAfter, long seqUpto, OutputStream out,
                             LongConsumer progress) throws SQLException, IOException {
        return export(run, table, " AND declutter_seq > " + seqAfter + " AND declutter_seq <= " + seqUpto, out,
                progress);
    }

    private long export(long run, BackupTable table, String range, OutputStream out, LongConsumer progress)
            throws SQLException, IOException {
        textSettings();
        CopyOut copy = connection().unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + columnList(table)
                + " FROM " + qualified(table) + " WHERE declutter_run = " + run + range + " ORDER BY declutter_seq)"
                + " TO STDOUT (FORMAT csv, HEADER)");
        long messages = 0;
        try {
            byte[] data;
            while ((data = copy.readFromCopy()) != null) {
                out.write(data);
                if (++messages % 10_000 == 0) {
                    progress.accept(messages - 1);
                }
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        long rows = copy.getHandledRowCount();
        progress.accept(rows);
        return rows;
    }

    @Override
    public long maxBackupSeq(long run, BackupTable table) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT COALESCE(max(declutter_seq), 0) FROM "
                + qualified(table) + " WHERE declutter_run = ?")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public long backupRowsUpTo(long run, BackupTable table, long seqUpto) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT count(*) FROM " + qualified(table)
                + " WHERE declutter_run = ? AND declutter_seq <= ?")) {
            ps.setLong(1, run);
            ps.setLong(2, seqUpto);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public List<ArchivedFile> archivedFiles(long run) throws SQLException {
        List<ArchivedFile> out = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT batch, file, backup, seq_after, seq_upto,"
                + " rows, sha256, csv_sha256 FROM " + schema() + ".archive_batch WHERE run_id = ? ORDER BY batch, file")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ArchivedFile(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // deployed before the table existed: nothing was archived unit by unit
            }
            throw e;
        }
        return out;
    }

    @Override
    public void recordArchivedFiles(long run, String location, List<String> superseded, List<ArchivedFile> added,
                                    String sha256, int files, long rows) throws SQLException {
        long archiveId;
        try (PreparedStatement ps = connection().prepareStatement("UPDATE " + schema() + ".archive SET sha256 = ?,"
                + " tables = ?, rows = ? WHERE archive_id = (SELECT max(archive_id) FROM " + schema() + ".archive"
                + " WHERE run_id = ? AND location = ?) RETURNING archive_id")) {
            ps.setString(1, sha256);
            ps.setInt(2, files);
            ps.setLong(3, rows);
            ps.setLong(4, run);
            ps.setString(5, location);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    archiveId = rs.getLong(1);
                } else {
                    archiveId = -1;
                }
            }
        }
        if (archiveId < 0) {
            try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".archive (run_id,"
                    + " location, sha256, tables, rows) VALUES (?, ?, ?, ?, ?) RETURNING archive_id")) {
                ps.setLong(1, run);
                ps.setString(2, location);
                ps.setString(3, sha256);
                ps.setInt(4, files);
                ps.setLong(5, rows);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    archiveId = rs.getLong(1);
                }
            }
        }
        if (!superseded.isEmpty()) {
            try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + schema() + ".archive_batch"
                    + " WHERE run_id = ? AND backup = ANY (?)")) {
                ps.setLong(1, run);
                ps.setArray(2, connection().createArrayOf("text", superseded.toArray()));
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".archive_batch (run_id,"
                + " batch, file, archive_id, backup, seq_after, seq_upto, rows, sha256, csv_sha256)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ArchivedFile f : added) {
                ps.setLong(1, run);
                ps.setInt(2, f.batch());
                ps.setString(3, f.file());
                ps.setLong(4, archiveId);
                ps.setString(5, f.backupTable());
                ps.setLong(6, f.seqAfter());
                ps.setLong(7, f.seqUpto());
                ps.setLong(8, f.rows());
                ps.setString(9, f.sha256());
                ps.setString(10, f.csvSha256());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * COPY ... FROM STDIN into a temporary table shaped like the backup table, then one INSERT of the run's rows
     * that are not in the backup table yet (a load interrupted and repeated adds nothing twice).
     */
    @Override
    public long importBackup(long run, BackupTable table, InputStream in) throws SQLException, IOException {
        textSettings();
        try (Statement st = connection().createStatement()) {
            st.execute("DROP TABLE IF EXISTS pg_temp.declutter_load");
            st.execute("CREATE TEMPORARY TABLE declutter_load (LIKE " + qualified(table) + ") ON COMMIT DROP");
        }
        CopyIn copy = connection().unwrap(PGConnection.class).getCopyAPI().copyIn("COPY pg_temp.declutter_load ("
                + columnList(table) + ") FROM STDIN (FORMAT csv, HEADER)");
        try {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                copy.writeToCopy(buffer, 0, n);
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + qualified(table) + " ("
                + columnList(table) + ") OVERRIDING SYSTEM VALUE SELECT " + columnList(table)
                + " FROM pg_temp.declutter_load WHERE declutter_run = ? ON CONFLICT DO NOTHING")) {
            ps.setLong(1, run);
            long added = ps.executeLargeUpdate();
            try (Statement st = connection().createStatement()) {
                st.execute("DROP TABLE pg_temp.declutter_load");
            }
            return added;
        }
    }

    @Override
    public void recordArchive(long run, String location, String sha256, int tables, long rows) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema()
                + ".archive (run_id, location, sha256, tables, rows) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, run);
            ps.setString(2, location);
            ps.setString(3, sha256);
            ps.setInt(4, tables);
            ps.setLong(5, rows);
            ps.executeUpdate();
        }
    }

    @Override
    public List<ArchiveRecord> archives(long run) throws SQLException {
        List<ArchiveRecord> out = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT run_id, location, sha256, tables, rows,"
                + " created_at, created_by FROM " + schema() + ".archive WHERE run_id = ? ORDER BY archive_id")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ArchiveRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getLong(5), rs.getTimestamp(6).toInstant(), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // deployed before the archive table existed: nothing was recorded
            }
            throw e;
        }
        return out;
    }

    @Override
    public Optional<Expiry> expiry(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT expired_at, expired_by, expired_from FROM "
                + schema() + ".run WHERE run_id = ? AND status = 'expired'")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Expiry(rs.getTimestamp(1).toInstant(), rs.getString(2),
                        rs.getString(3))) : Optional.empty();
            }
        }
    }

    @Override
    public void markExpired(long run, String note) throws SQLException {
        // session_user: who connected (current_user may be a role switched to); the row lock waits for a rollback.
        try (PreparedStatement ps = connection().prepareStatement("UPDATE " + schema() + ".run SET status = 'expired',"
                + " expired_at = clock_timestamp(), expired_by = session_user, expired_from = status"
                + " WHERE run_id = ? AND job = ? AND status IN ('done', 'rolled back')")) {
            ps.setLong(1, run);
            ps.setString(2, job());
            if (ps.executeUpdate() == 0 && !"expired".equals(runInfo(run).status())) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "run " + run + " of job " + job() + " is "
                        + runInfo(run).status() + ": only a finished run (done or rolled back) can expire; an"
                        + " unfinished run needs its backup to go on or to be rolled back");
            }
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".log (run_id, action,"
                + " started_at, message) VALUES (?, 'expire', clock_timestamp(), ?)")) {
            ps.setLong(1, run);
            ps.setString(2, note);
            ps.executeUpdate();
        }
        // Root keys given at run time are values of the purged rows too.
        try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + schema() + ".run_key WHERE run_id = ?")) {
            ps.setLong(1, run);
            ps.executeUpdate();
        }
    }

    /** One batch, walking the backup's (declutter_run, declutter_seq) index. */
    @Override
    public long expireBatch(long run, BackupTable table, int batch) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + qualified(table)
                + " WHERE declutter_run = ? AND declutter_seq IN (SELECT declutter_seq FROM " + qualified(table)
                + " WHERE declutter_run = ? ORDER BY declutter_seq LIMIT ?)")) {
            ps.setLong(1, run);
            ps.setLong(2, run);
            ps.setInt(3, batch);
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public void unexpire(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("UPDATE " + schema() + ".run SET status ="
                + " COALESCE(expired_from, 'done') WHERE run_id = ? AND status = 'expired'")) {
            ps.setLong(1, run);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".log (run_id, action,"
                + " started_at, message) VALUES (?, 'restore', clock_timestamp(), 'backup loaded from an archive by '"
                + " || session_user)")) {
            ps.setLong(1, run);
            ps.executeUpdate();
        }
    }

    @Override
    public ErasureFacts erasureFacts(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(Resources.text(PostgresJobProcedures.class,
                "erasure_facts.sql").formatted(schema()))) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    runInfo(run);
                }
                return new ErasureFacts(rs.getString(1), instantOf(rs.getTimestamp(2)), instantOf(rs.getTimestamp(3)),
                        rs.getString(4));
            }
        }
    }

    private static Instant instantOf(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /** Run-time keys from run_key; else the primary key of each root row in the root table's backup. */
    @Override
    public List<List<String>> rootKeys(long run) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT key_values FROM " + schema()
                + ".run_key WHERE run_id = ? ORDER BY key_values")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(List.of((String[]) rs.getArray(1).getArray()));
                }
            }
        }
        if (!keys.isEmpty()) {
            return keys;
        }
        List<BackupTable> tables = backupTables();
        if (tables.isEmpty()) {
            return keys;
        }
        BackupTable root = tables.get(0);
        List<String> keyColumns = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT a.attname FROM pg_constraint AS c"
                + " JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
                + " WHERE c.contype = 'p' AND c.conrelid = to_regclass(?) ORDER BY array_position(c.conkey, a.attnum)")) {
            ps.setString(1, root.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keyColumns.add(rs.getString(1));
                }
            }
        }
        if (keyColumns.isEmpty()) {
            return keys;
        }
        try (PreparedStatement ps = connection().prepareStatement("SELECT " + String.join(", ", keyColumns.stream()
                .map(c -> ident(c) + "::text").toList()) + " FROM " + qualified(root) + " WHERE declutter_run = ?"
                + " ORDER BY declutter_seq")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>();
                    for (int i = 1; i <= keyColumns.size(); i++) {
                        key.add(rs.getString(i));
                    }
                    keys.add(key);
                }
            }
        }
        return keys;
    }
}
