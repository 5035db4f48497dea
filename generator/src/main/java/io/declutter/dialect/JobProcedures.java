package io.declutter.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The runtime SQL of a deployed job, as the runner and the CLI call it: begin a run, call the step procedure, stop,
 * roll back, and read the run's state. Each dialect implements the calls of its own procedures
 * ({@link Dialect#procedures}); the queries here read the framework tables with SQL both databases accept.
 */
public abstract class JobProcedures {

    private final Connection connection;
    private final String job;
    private final String schema;

    protected JobProcedures(Connection connection, String job, String schema) {
        this.connection = connection;
        this.job = job;
        this.schema = schema;
    }

    protected Connection connection() {
        return connection;
    }

    public String job() {
        return job;
    }

    /** The framework schema, as SQL spells it. */
    public String schema() {
        return schema;
    }

    /** The result of one call of the step procedure. */
    public record Step(String phase, long rows, long remaining) {
    }

    /** A row of the run table. */
    public record RunInfo(long id, String status, Instant started, Instant ended, Instant deadline,
                          boolean pauseRequested, String lastError) {
    }

    /**
     * What the DELETE triggers a job keeps enabled wrote outside the closure during a run (docs/design.md#triggers):
     * a table they write, with its row count before the run's first delete and at its end (null until counted), or,
     * for a trigger whose writes could not be read, no table and the reason.
     */
    public record TriggerEffect(String table, String triggers, String note, Long rowsBefore, Long rowsAfter) {

        /** The rows written (after minus before; negative when rows were deleted), or null until both are counted. */
        public Long difference() {
            return rowsBefore == null || rowsAfter == null ? null : rowsAfter - rowsBefore;
        }
    }

    /** Throws a {@link RefusedException} ({@link ErrorKind#BAD_INPUT}) when the job is not deployed in this database. */
    public abstract void requireDeployed() throws SQLException;

    /**
     * Takes the job's session-level lock (the step procedure takes the same one per unit), so that two runners, or a
     * runner and the in-database delete procedure, never work on one job at once; {@link ErrorKind#BUSY} when taken.
     */
    public abstract void lockJob() throws SQLException;

    /** Starts a run or resumes the job's unfinished one. */
    public abstract long beginRun(Optional<Instant> deadline, int batchSize) throws SQLException;

    /** Stores root keys for a run of a job with keys given at run time (once, before caching starts). */
    public abstract void addKeys(long run, List<List<String>> keys) throws SQLException;

    /** One unit of work; a unit that timed out is reported as phase {@code retry}. */
    public abstract Step step(long run, int maxRows) throws SQLException;

    /**
     * The run's trigger effects ({@link TriggerEffect}), by table. Empty where the dialect does not record them
     * (Oracle: see docs/schema-features.md#triggers).
     */
    public List<TriggerEffect> triggerEffects(long run) throws SQLException {
        return List.of();
    }

    /**
     * What a rehearsal found (docs/design.md#rehearsal): outcome {@code ok}, {@code failed} (the table, the statement
     * and the error say where and why) or {@code inconclusive} (a timeout, a deadlock, another session on the job).
     */
    public record Rehearsal(String outcome, long rootRows, long deletedRows, String failedTable,
                            String failedStatement, String error) {

        public boolean ok() {
            return "ok".equals(outcome);
        }

        public boolean failed() {
            return "failed".equals(outcome);
        }
    }

    /** Whether this dialect can {@link #rehearse} a job. */
    public boolean canRehearse() {
        return false;
    }

    /**
     * Purges the closure of up to {@code sample} root rows (null: all of them) of a new run in one transaction that is
     * always rolled back, and reports the first failure; nothing is changed. {@code keys} are the root keys of a job
     * with keys given at run time (empty otherwise).
     */
    public Rehearsal rehearse(Integer sample, List<List<String>> keys) throws SQLException {
        throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job + ": a rehearsal is not available for this database"
                + " yet (PostgreSQL only)");
    }

    /** Puts back every row the run purged. */
    public abstract void rollback(long run) throws SQLException;

    /** Sets the run's pause flag: the runner and the in-database delete procedure stop after their current batch. */
    public abstract boolean requestPause(long run) throws SQLException;

    /** Closure tables of the job in delete order, as {@code schema.table}. */
    public abstract List<String> tables() throws SQLException;

    /**
     * The job's verify rows for run {@code ?}: table, height, backup, present, deleted and orphan rows, ordered by
     * height and table.
     */
    public abstract String verifySql();

    /**
     * Per-table totals of run {@code ?} (parameters: run, run, run, job): table, height, status, rows cached, deleted,
     * restored, seconds spent deleting, last error; ordered by height and table.
     */
    public abstract String statusSql();

    public boolean pauseRequested(long run) throws SQLException {
        return runInfo(run).pauseRequested();
    }

    /** The run, or a clear error when the job has no such run. */
    public RunInfo runInfo(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT run_id, status, started_at, ended_at, deadline,"
                + " pause_requested, last_error FROM " + schema + ".run WHERE run_id = ? AND job = ?")) {
            ps.setLong(1, run);
            ps.setString(2, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RefusedException(ErrorKind.BAD_INPUT, "run " + run + " of job " + job + " does not exist;"
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

    /** The job's runs, newest first, at most {@code limit} of them. */
    public List<Long> runs(int limit) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT run_id FROM " + schema
                + ".run WHERE job = ? ORDER BY run_id DESC")) {
            ps.setString(1, job);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> runs = new java.util.ArrayList<>();
                while (rs.next()) {
                    runs.add(rs.getLong(1));
                }
                return runs;
            }
        }
    }

    /** A run started through the API of {@code declutter serve} with an Idempotency-Key (docs/serve.md). */
    public record ApiRequest(String key, String job, long run, String tokenName, Instant created) {
    }

    /** The run started with this Idempotency-Key, for any job, if one was. */
    public Optional<ApiRequest> apiRequest(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT idempotency_key, job, run_id, token_name,"
                + " created_at FROM " + schema + ".api_request WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ApiRequest(rs.getString(1), rs.getString(2), rs.getLong(3),
                        rs.getString(4), instant(rs.getTimestamp(5)))) : Optional.empty();
            }
        }
    }

    /** Records the run an Idempotency-Key started; false when the key was recorded already. */
    public boolean recordApiRequest(String key, long run, String tokenName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".api_request"
                + " (idempotency_key, job, run_id, token_name) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, job);
            ps.setLong(3, run);
            ps.setString(4, tokenName);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false; // integrity constraint violation: the key's row exists
            }
            throw e;
        }
    }

    /**
     * A row of the run's log (action {@code api}) saying who did what through the API of {@code declutter serve}: the
     * calls that change state (trigger, stop, rollback, expire) are recorded with the token's name and role.
     */
    public void noteApiCall(long run, String message) throws SQLException {
        Instant now = Instant.now();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".log (run_id, action,"
                + " started_at, ended_at, message) VALUES (?, 'api', ?, ?, ?)")) {
            ps.setLong(1, run);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, clip(message));
            ps.executeUpdate();
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

    /** Totals of the job's current run: rows cached and deleted. */
    public long[] totals(long run) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT COALESCE(sum(rows_cached), 0), COALESCE(sum(rows_deleted), 0) FROM " + schema
                        + ".control WHERE strategy = 'delete' AND run_id = " + run)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** A column of a backup table, with its type as the database spells it. */
    public record Column(String name, String type) {
        public Column {
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(type, "type");
        }
    }

    /**
     * A backup table of the job: the closure table whose rows it holds ({@code schema.table}), its own name in the
     * framework schema, whether it holds whole rows (false: the values a SET NULL edge reset) and its columns.
     */
    public record BackupTable(String table, String backupTable, boolean holdsRows, List<Column> columns) {
        public BackupTable {
            java.util.Objects.requireNonNull(table, "table");
            java.util.Objects.requireNonNull(backupTable, "backupTable");
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("backup table " + backupTable + " has no columns");
            }
        }
    }

    /** An archive of a run written outside the database (docs/archive.md), as the archive table records it. */
    public record ArchiveRecord(long run, String location, String sha256, int tables, long rows, Instant created,
                                String createdBy) {
    }

    /** When and by whom a run's backup was dropped, and the status the run had then (docs/archive.md#expiry). */
    public record Expiry(Instant at, String by, String statusBefore) {
    }

    /**
     * Makes the caller's transaction (autocommit off, no statement run in it yet) one read-only snapshot of every table
     * it reads: what {@code archive} and {@code archive --verify} read all backup tables in.
     */
    public void readOnlySnapshot() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
    }

    /** The database's name, for manifests and receipts (JDBC's catalog where the driver names one). */
    public String databaseName() throws SQLException {
        return connection.getCatalog();
    }

    /**
     * How {@link #exportBackup} writes values as text, for the archive's manifest (docs/archive.md#format), when it is
     * not PostgreSQL's COPY with the settings the manifest describes by default.
     */
    public record CsvText(String format, String timeZone, String dateStyle, String intervalStyle, String binaryOutput,
                          String nullValue) {
    }

    /** Empty: the database's own COPY CSV, as docs/archive.md#format describes it. */
    public Optional<CsvText> csvText() {
        return Optional.empty();
    }

    /** Whether this dialect can archive, expire and restore backups (docs/archive.md). */
    public boolean canArchive() {
        return false;
    }

    private RefusedException notHere(String what) {
        return new RefusedException(ErrorKind.BAD_INPUT, "job " + job + ": " + what + " is not available for this"
                + " database yet (docs/archive.md)");
    }

    /** The job's backup tables in restore order (root first), with their columns. */
    public List<BackupTable> backupTables() throws SQLException {
        throw notHere("archiving");
    }

    /** Rows of the run in a backup table. */
    public long backupRows(long run, BackupTable table) throws SQLException {
        throw notHere("archiving");
    }

    /**
     * Writes the run's rows of a backup table to {@code out} as CSV with a header line, in the order the run backed
     * them up, streamed (constant memory); {@code progress} is told the rows written so far. Returns the row count.
     * Runs in the caller's transaction (the caller takes one snapshot for every table).
     */
    public long exportBackup(long run, BackupTable table, java.io.OutputStream out, java.util.function.LongConsumer progress)
            throws SQLException, java.io.IOException {
        throw notHere("archiving");
    }

    /**
     * Loads CSV written by {@link #exportBackup} back into the backup table, skipping rows it still holds; returns
     * the rows added. Runs in the caller's transaction.
     */
    public long importBackup(long run, BackupTable table, java.io.InputStream in) throws SQLException, java.io.IOException {
        throw notHere("restoring from an archive");
    }

    /**
     * What the runner does inside a unit's transaction after the step procedure returned and before the unit commits
     * (docs/archive.md#archive-before-delete): what it writes outside the database is durable before the unit is.
     */
    @FunctionalInterface
    public interface BeforeCommit {
        void run(Step step) throws SQLException, java.io.IOException;
    }

    /**
     * One unit of work in a transaction of its own that {@code beforeCommit} joins before the commit; a lock or
     * statement timeout in either is phase {@code retry}, with everything rolled back.
     */
    public Step step(long run, int maxRows, BeforeCommit beforeCommit) throws SQLException, java.io.IOException {
        throw notHere("archiving every unit before it commits (backup.archive)");
    }

    /** The highest backup sequence number of the run's rows in a backup table, 0 when it holds none. */
    public long maxBackupSeq(long run, BackupTable table) throws SQLException {
        throw notHere("archiving");
    }

    /** The run's rows in a backup table with a sequence number of at most {@code seqUpto}. */
    public long backupRowsUpTo(long run, BackupTable table, long seqUpto) throws SQLException {
        throw notHere("archiving");
    }

    /**
     * As {@link #exportBackup}, the rows with a sequence number in {@code (seqAfter, seqUpto]} only (the rows one unit
     * of an archiving run added, docs/archive.md#archive-before-delete).
     */
    public long exportBackup(long run, BackupTable table, long seqAfter, long seqUpto, java.io.OutputStream out,
                             java.util.function.LongConsumer progress) throws SQLException, java.io.IOException {
        throw notHere("archiving");
    }

    /**
     * A file of an archive written unit by unit (docs/archive.md#archive-before-delete): the rows of one backup table
     * with a sequence number in {@code (seqAfter, seqUpto]}, added by unit {@code batch}.
     */
    public record ArchivedFile(int batch, String file, String backupTable, long seqAfter, long seqUpto, long rows,
                               String sha256, String csvSha256) {
        public ArchivedFile {
            java.util.Objects.requireNonNull(file, "file");
            java.util.Objects.requireNonNull(backupTable, "backupTable");
            java.util.Objects.requireNonNull(sha256, "sha256");
            java.util.Objects.requireNonNull(csvSha256, "csvSha256");
            if (seqUpto < seqAfter || rows < 0) {
                throw new IllegalArgumentException(file + ": sequence range (" + seqAfter + ", " + seqUpto + "] with "
                        + rows + " rows");
            }
        }
    }

    /** The files the run's committed units archived, by batch and file name. */
    public List<ArchivedFile> archivedFiles(long run) throws SQLException {
        return List.of();
    }

    /**
     * In the unit's transaction: forgets the files of {@code superseded} backup tables (their rows were rewritten by
     * this unit), records {@code added}, and records (or updates) the run's archive at {@code location} with its
     * checksum and totals.
     */
    public void recordArchivedFiles(long run, String location, List<String> superseded, List<ArchivedFile> added,
                                    String sha256, int files, long rows) throws SQLException {
        throw notHere("archiving");
    }

    /** Records an archive of the run in the framework's archive table. */
    public void recordArchive(long run, String location, String sha256, int tables, long rows) throws SQLException {
        throw notHere("archiving");
    }

    /** The recorded archives of the run, oldest first. */
    public List<ArchiveRecord> archives(long run) throws SQLException {
        return List.of();
    }

    /** The run's expiry, if its backup was dropped. */
    public Optional<Expiry> expiry(long run) throws SQLException {
        return Optional.empty();
    }

    /**
     * Marks a finished run ('done' or 'rolled back') expired, with who and when, before its backup rows are dropped
     * (so no rollback starts meanwhile); a run already expired is left as it is (an interrupted expiry goes on).
     * {@code note} goes into the log's expire row (what verify said just before).
     */
    public void markExpired(long run, String note) throws SQLException {
        throw notHere("expiry");
    }

    /** Deletes up to {@code batch} of the run's rows from a backup table; returns how many. */
    public long expireBatch(long run, BackupTable table, int batch) throws SQLException {
        throw notHere("expiry");
    }

    /** Puts an expired run back to the status it had before its expiry (its backup was loaded from an archive). */
    public void unexpire(long run) throws SQLException {
        throw notHere("restoring from an archive");
    }

    /**
     * What an erasure receipt states about a run besides its counts (docs/archive.md#receipt): who started it (null
     * for runs started before that was recorded), its first and last delete, and the note of its expiry (what verify
     * said just before the backup was dropped), null when not expired.
     */
    public record ErasureFacts(String startedBy, Instant firstDelete, Instant lastDelete, String expiryNote) {
    }

    public ErasureFacts erasureFacts(long run) throws SQLException {
        throw notHere("the erasure receipt");
    }

    /**
     * The root keys of the run as text, one list per root row, as long as the database holds them (run-time keys,
     * or the root's backup): for hashing into a receipt, never shown as they are. Empty once the backup expired.
     */
    public List<List<String>> rootKeys(long run) throws SQLException {
        return List.of();
    }

    /** Finished runs ('done' or 'rolled back') of the job that ended before {@code cutoff}, oldest first. */
    public List<Long> finishedBefore(Instant cutoff) throws SQLException {
        List<Long> runs = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT run_id FROM " + schema + ".run WHERE job = ?"
                + " AND status IN ('done', 'rolled back') AND ended_at < ? ORDER BY run_id")) {
            ps.setString(1, job);
            ps.setTimestamp(2, Timestamp.from(cutoff));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.add(rs.getLong(1));
                }
            }
        }
        return runs;
    }

    /**
     * The hold state of a run, from its log (docs/throttle.md#holds): whether it holds now, since when and why, when
     * the runner last checked, and the time spent holding over the whole run.
     */
    public record HoldState(boolean holding, Instant since, Instant lastChecked, String reason, Duration heldInAll,
                            long holds) {

        public static final HoldState NONE = new HoldState(false, null, null, null, Duration.ZERO, 0);
    }

    /** The log's column of row counts ({@code rows}; Oracle's is {@code row_count}). */
    protected String logRowsColumn() {
        return "rows";
    }

    /**
     * Starts a hold of the run in the log (docs/throttle.md#holds): a row of action {@code hold} whose end moves with
     * every check ({@link #extendHold}) and whose action becomes {@code held} when it ends ({@link #endHold}).
     */
    public void startHold(long run, Instant since, String reason) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".log (run_id, action,"
                + " started_at, ended_at, message) VALUES (?, 'hold', ?, ?, ?)")) {
            ps.setLong(1, run);
            ps.setTimestamp(2, Timestamp.from(since));
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, clip(reason));
            ps.executeUpdate();
        }
    }

    /** The run's current hold was checked again: still holding, for this reason. */
    public void extendHold(long run, String reason) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + schema + ".log SET ended_at = ?,"
                + " message = ? WHERE run_id = ? AND action = 'hold'")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setString(2, clip(reason));
            ps.setLong(3, run);
            ps.executeUpdate();
        }
    }

    /** Ends the run's current hold, if any (the signals say go, or the run stops while holding). */
    public void endHold(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + schema + ".log SET action = 'held',"
                + " ended_at = ? WHERE run_id = ? AND action = 'hold'")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setLong(2, run);
            ps.executeUpdate();
        }
    }

    /** The run's hold state, from its {@code hold} and {@code held} log rows. */
    public HoldState holdState(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT action, started_at, ended_at, message FROM "
                + schema + ".log WHERE run_id = ? AND action IN ('hold', 'held') ORDER BY log_id")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                Duration total = Duration.ZERO;
                long holds = 0;
                HoldState current = HoldState.NONE;
                while (rs.next()) {
                    Instant start = instant(rs.getTimestamp(2));
                    Instant end = instant(rs.getTimestamp(3));
                    total = total.plus(Duration.between(start, end));
                    holds++;
                    current = "hold".equals(rs.getString(1))
                            ? new HoldState(true, start, end, rs.getString(4), Duration.ZERO, 0) : HoldState.NONE;
                }
                return new HoldState(current.holding(), current.since(), current.lastChecked(), current.reason(), total,
                        holds);
            }
        }
    }

    /**
     * Records one delete batch of an adaptive run (docs/throttle.md#adaptive-batches): the batch size asked for, the
     * rows it deleted and how long it took, and the size of the next batch.
     */
    public void noteBatch(long run, int batchSize, long rows, Instant started, Instant ended, int nextBatchSize)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".log (run_id, action, "
                + logRowsColumn() + ", started_at, ended_at, message) VALUES (?, 'batch', ?, ?, ?, ?)")) {
            ps.setLong(1, run);
            ps.setLong(2, rows);
            ps.setTimestamp(3, Timestamp.from(started));
            ps.setTimestamp(4, Timestamp.from(ended));
            ps.setString(5, "batch size " + batchSize + ": " + rows + " rows in " + Duration.between(started, ended)
                    .toMillis() + " ms; next batch size " + nextBatchSize);
            ps.executeUpdate();
        }
    }

    /**
     * Rows the run's log counts against one table (docs/design.md): {@code action} is {@code cache}, {@code catch-up}
     * (rows cached), {@code delete}, {@code catch-up delete} (rows deleted) or {@code restore} (rows a rollback put
     * back). What the service's metrics count (docs/serve.md#metrics).
     */
    public record LoggedRows(long logId, String table, String action, long rows) {
    }

    /**
     * When the job's latest run that is done ended (a run rolled back or expired since is not counted): what the
     * service's metrics show as its last success when it starts (docs/serve.md#metrics).
     */
    public Optional<Instant> lastSuccess() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT max(ended_at) FROM " + schema
                + ".run WHERE job = ? AND status = 'done'")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(instant(rs.getTimestamp(1)));
            }
        }
    }

    /** The last log row of the run so far (0 when it has none): where {@link #loggedRowsAfter} starts. */
    public long lastLogId(long run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COALESCE(max(log_id), 0) FROM " + schema
                + ".log WHERE run_id = ?")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The run's log rows of cached, deleted and restored rows after log row {@code afterLogId}, in log order (read
     * through the log's index on run and log id: the rows one unit of work or one rollback added).
     */
    public List<LoggedRows> loggedRowsAfter(long run, long afterLogId) throws SQLException {
        List<LoggedRows> rows = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT log_id, table_name, action, " + logRowsColumn()
                + " FROM " + schema + ".log WHERE run_id = ? AND log_id > ? AND table_name IS NOT NULL"
                + " AND action IN ('cache', 'catch-up', 'delete', 'catch-up delete', 'restore') ORDER BY log_id")) {
            ps.setLong(1, run);
            ps.setLong(2, afterLogId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new LoggedRows(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return rows;
    }

    /**
     * The closure tables run {@code run} deleted rows from, as {@code schema.table} in the job's delete order: what
     * {@code run --vacuum-full} rewrites (docs/policy.md#vacuum-full).
     */
    public List<String> tablesThatLostRows(long run) throws SQLException {
        java.util.Set<String> lost = new java.util.HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT table_name FROM " + schema + ".log"
                + " WHERE run_id = ? AND action IN ('delete', 'catch-up delete') AND table_name IS NOT NULL"
                + " GROUP BY table_name HAVING sum(" + logRowsColumn() + ") > 0")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lost.add(rs.getString(1));
                }
            }
        }
        return tables().stream().filter(lost::contains).toList();
    }

    /**
     * Records the rewrite of one table after run {@code run} ({@code run --vacuum-full}): a log row of action
     * {@code vacuum full} with its size before and after and how long it was locked (docs/audit.md#after-a-purge).
     */
    public void noteRewrite(long run, String table, long bytesBefore, long bytesAfter, Duration locked)
            throws SQLException {
        Instant ended = Instant.now();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".log (run_id, table_name,"
                + " action, started_at, ended_at, message) VALUES (?, ?, 'vacuum full', ?, ?, ?)")) {
            ps.setLong(1, run);
            ps.setString(2, table);
            ps.setTimestamp(3, Timestamp.from(ended.minus(locked)));
            ps.setTimestamp(4, Timestamp.from(ended));
            ps.setString(5, "rewritten: " + bytesBefore + " bytes before, " + bytesAfter + " bytes after");
            ps.executeUpdate();
        }
    }

    private static String clip(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
