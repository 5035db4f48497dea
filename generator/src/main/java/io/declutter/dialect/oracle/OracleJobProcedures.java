package io.declutter.dialect.oracle;

import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;
import io.declutter.dialect.Resources;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    // ---- Archives, expiry and receipts (docs/archive.md#oracle) ----

    /** Primary-key columns of the backup tables, by backup table: read once per instance. */
    private final java.util.Map<String, List<String>> keyColumns = new java.util.HashMap<>();

    @Override
    public boolean canArchive() {
        return true;
    }

    /** Oracle's read consistency for a whole transaction: every query of it sees the data as of its start. */
    @Override
    public void readOnlySnapshot() throws SQLException {
        try (Statement st = connection().createStatement()) {
            st.execute("SET TRANSACTION READ ONLY");
        }
    }

    /** The database's unique name and the container (PDB) the session is in. */
    @Override
    public String databaseName() throws SQLException {
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery("SELECT SYS_CONTEXT("
                + "'USERENV', 'DB_UNIQUE_NAME') || NVL2(SYS_CONTEXT('USERENV', 'CON_NAME'), '/' || SYS_CONTEXT("
                + "'USERENV', 'CON_NAME'), NULL) FROM dual")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public Optional<CsvText> csvText() {
        return Optional.of(new CsvText("CSV as PostgreSQL's COPY writes it, from Oracle through JDBC (CLOB values"
                + " always quoted)", "UTC (TIMESTAMP WITH [LOCAL] TIME ZONE as the UTC instant, ' +00:00')",
                "DATE YYYY-MM-DD HH24:MI:SS, TIMESTAMP(n) YYYY-MM-DD HH24:MI:SS.FFn (NLS_CALENDAR GREGORIAN)",
                "Oracle interval literals (TO_CHAR: +DD HH:MI:SS.FF, +YY-MM)", "hex with a \\x prefix (RAW, BLOB)",
                "unquoted empty field"));
    }

    @Override
    public List<BackupTable> backupTables() throws SQLException {
        List<BackupTable> tables = new ArrayList<>();
        String sql = Resources.text(OracleJobProcedures.class, "archive/backup_tables.sql").formatted(schema());
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
                        rows = rs.getInt(3) == 1;
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

    private List<String> keyColumns(BackupTable table) throws SQLException {
        List<String> known = keyColumns.get(table.backupTable());
        if (known != null) {
            return known;
        }
        List<String> keys = primaryKey(schema(), table.backupTable());
        if (keys.isEmpty()) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "backup table " + schema() + "." + table.backupTable()
                    + " has no primary key; deploy the job again (declutter deploy)");
        }
        keyColumns.put(table.backupTable(), keys);
        return keys;
    }

    private List<String> primaryKey(String owner, String table) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT cc.column_name FROM all_constraints c"
                + " JOIN all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name"
                + " AND cc.table_name = c.table_name WHERE c.owner = ? AND c.table_name = ? AND c.constraint_type = 'P'"
                + " ORDER BY cc.position")) {
            ps.setString(1, owner);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    private String qualified(BackupTable table) {
        return OracleArchiveSql.qualified(schema(), table);
    }

    @Override
    public long backupRows(long run, BackupTable table) throws SQLException {
        return count("SELECT COUNT(*) FROM " + qualified(table) + " WHERE \"DECLUTTER_RUN\" = ?", run);
    }

    private long count(String sql, long... parameters) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setLong(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The session's calendar, so that the date masks mean the Gregorian calendar (docs/archive.md#oracle). */
    private void textSettings() throws SQLException {
        try (Statement st = connection().createStatement()) {
            st.execute(OracleArchiveSql.SESSION);
        }
    }

    @Override
    public long exportBackup(long run, BackupTable table, java.io.OutputStream out,
                             java.util.function.LongConsumer progress) throws SQLException, java.io.IOException {
        return export(run, table, null, null, out, progress);
    }

    @Override
    public long exportBackup(long run, BackupTable table, long seqAfter, long seqUpto, java.io.OutputStream out,
                             java.util.function.LongConsumer progress) throws SQLException, java.io.IOException {
        return export(run, table, seqAfter, seqUpto, out, progress);
    }

    /**
     * The rows as CSV with a header line, streamed: the driver fetches 500 rows at a time, and LOBs are read as
     * streams (a LOB locator per row, never the whole value in memory).
     */
    private long export(long run, BackupTable table, Long after, Long upto, java.io.OutputStream out,
                        java.util.function.LongConsumer progress) throws SQLException, java.io.IOException {
        textSettings();
        List<OracleArchiveSql.Kind> kinds = table.columns().stream().map(c -> OracleArchiveSql.kind(table, c)).toList();
        List<String> keys = OracleArchiveSql.sequenced(table) ? List.of() : keyColumns(table);
        java.io.Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out,
                java.nio.charset.StandardCharsets.UTF_8), 64 * 1024);
        for (int i = 0; i < table.columns().size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            OracleCsv.field(w, table.columns().get(i).name());
        }
        w.write('\n');
        long rows = 0;
        try (PreparedStatement ps = connection().prepareStatement(OracleArchiveSql.export(schema(), table, keys,
                after != null))) {
            ps.setFetchSize(500);
            ps.setLong(1, run);
            if (after != null) {
                ps.setLong(2, after);
                ps.setLong(3, upto);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int i = 0; i < kinds.size(); i++) {
                        if (i > 0) {
                            w.write(',');
                        }
                        writeValue(w, rs, i + 1, kinds.get(i));
                    }
                    w.write('\n');
                    if (++rows % 10_000 == 0) {
                        progress.accept(rows);
                    }
                }
            }
        }
        w.flush();
        progress.accept(rows);
        return rows;
    }

    private static void writeValue(java.io.Writer w, ResultSet rs, int i, OracleArchiveSql.Kind kind)
            throws SQLException, java.io.IOException {
        switch (kind) {
            case NUMBER -> {
                java.math.BigDecimal v = rs.getBigDecimal(i);
                OracleCsv.field(w, v == null ? null : v.toPlainString());
            }
            case BINARY_FLOAT -> {
                float v = rs.getFloat(i);
                OracleCsv.field(w, rs.wasNull() ? null : Float.toString(v));
            }
            case BINARY_DOUBLE -> {
                double v = rs.getDouble(i);
                OracleCsv.field(w, rs.wasNull() ? null : Double.toString(v));
            }
            case RAW -> {
                byte[] v = rs.getBytes(i);
                if (v != null) {
                    OracleCsv.hex(w, new java.io.ByteArrayInputStream(v));
                }
            }
            case CLOB -> {
                java.sql.Clob v = rs.getClob(i);
                if (v != null) {
                    try (java.io.Reader r = v.getCharacterStream()) {
                        OracleCsv.clob(w, r);
                    } finally {
                        v.free();
                    }
                }
            }
            case BLOB -> {
                java.sql.Blob v = rs.getBlob(i);
                if (v != null) {
                    try (java.io.InputStream in = v.getBinaryStream()) {
                        OracleCsv.hex(w, in);
                    } finally {
                        v.free();
                    }
                }
            }
            default -> OracleCsv.field(w, rs.getString(i));
        }
    }

    @Override
    public long maxBackupSeq(long run, BackupTable table) throws SQLException {
        return OracleArchiveSql.sequenced(table)
                ? count("SELECT NVL(MAX(\"DECLUTTER_SEQ\"), 0) FROM " + qualified(table) + " WHERE \"DECLUTTER_RUN\" = ?",
                run)
                : backupRows(run, table);
    }

    /**
     * For a table without {@code DECLUTTER_SEQ} (the records of values SET NULL resets), a row's place in key order
     * stands for its number, so every row counts: any row added makes the runner write the table's file again whole
     * (docs/archive.md#oracle).
     */
    @Override
    public long backupRowsUpTo(long run, BackupTable table, long seqUpto) throws SQLException {
        return OracleArchiveSql.sequenced(table)
                ? count("SELECT COUNT(*) FROM " + qualified(table) + " WHERE \"DECLUTTER_RUN\" = ? AND \"DECLUTTER_SEQ\""
                + " <= ?", run, seqUpto)
                : backupRows(run, table);
    }

    /**
     * Reads the CSV field by field and MERGEs batches of 500 rows into the backup table (a row it holds already is
     * skipped). LOB values go into temporary LOBs as they are read (constant memory), freed after their batch.
     */
    @Override
    public long importBackup(long run, BackupTable table, java.io.InputStream in) throws SQLException, java.io.IOException {
        textSettings();
        List<OracleArchiveSql.Kind> kinds = table.columns().stream().map(c -> OracleArchiveSql.kind(table, c)).toList();
        long before = backupRows(run, table);
        OracleCsv.CsvReader csv = new OracleCsv.CsvReader(new java.io.BufferedReader(new java.io.InputStreamReader(in,
                java.nio.charset.StandardCharsets.UTF_8), 64 * 1024));
        if (!csv.nextRecord()) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "the archive's file of " + table.backupTable()
                    + " is empty (no header line)");
        }
        for (Column c : table.columns()) {
            StringBuilder name = new StringBuilder();
            csv.field(name::append);
            if (!name.toString().equals(c.name())) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "the archive's file of " + table.backupTable()
                        + " has column " + name + " where the manifest says " + c.name());
            }
        }
        csv.endRecord();
        int runColumn = -1;
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals("DECLUTTER_RUN")) {
                runColumn = i;
            }
        }
        List<java.sql.Clob> clobs = new ArrayList<>();
        List<java.sql.Blob> blobs = new ArrayList<>();
        int pending = 0;
        try (PreparedStatement ps = connection().prepareStatement(OracleArchiveSql.merge(schema(), table,
                keyColumns(table)))) {
            while (csv.nextRecord()) {
                for (int i = 0; i < kinds.size(); i++) {
                    bind(ps, i + 1, kinds.get(i), csv, clobs, blobs);
                }
                csv.endRecord();
                if (runColumn >= 0) {
                    // Only the run's rows: an archive holds one run, but a file edited by hand must not reach others.
                    ps.setLong(runColumn + 1, run);
                }
                ps.addBatch();
                if (++pending == 500) {
                    flush(ps, clobs, blobs);
                    pending = 0;
                }
            }
            if (pending > 0) {
                flush(ps, clobs, blobs);
            }
        } finally {
            free(clobs, blobs);
        }
        return backupRows(run, table) - before;
    }

    private static void flush(PreparedStatement ps, List<java.sql.Clob> clobs, List<java.sql.Blob> blobs)
            throws SQLException {
        ps.executeBatch();
        free(clobs, blobs);
    }

    private static void free(List<java.sql.Clob> clobs, List<java.sql.Blob> blobs) throws SQLException {
        for (java.sql.Clob c : clobs) {
            c.free();
        }
        for (java.sql.Blob b : blobs) {
            b.free();
        }
        clobs.clear();
        blobs.clear();
    }

    private void bind(PreparedStatement ps, int i, OracleArchiveSql.Kind kind, OracleCsv.CsvReader csv,
                      List<java.sql.Clob> clobs, List<java.sql.Blob> blobs) throws SQLException, java.io.IOException {
        switch (kind) {
            case CLOB -> {
                java.sql.Clob clob = connection().createClob();
                clobs.add(clob);
                boolean isNull;
                try (java.io.Writer w = new java.io.BufferedWriter(clob.setCharacterStream(1), 32 * 1024)) {
                    isNull = csv.field(w::write);
                }
                if (isNull) {
                    ps.setNull(i, Types.CLOB);
                } else {
                    ps.setClob(i, clob);
                }
            }
            case BLOB, RAW -> {
                java.sql.Blob blob = connection().createBlob();
                blobs.add(blob);
                OracleCsv.HexSink hex;
                boolean isNull;
                try (java.io.OutputStream o = new java.io.BufferedOutputStream(blob.setBinaryStream(1), 32 * 1024)) {
                    hex = new OracleCsv.HexSink(o);
                    isNull = csv.field(hex);
                }
                if (isNull) {
                    ps.setNull(i, kind == OracleArchiveSql.Kind.RAW ? Types.VARBINARY : Types.BLOB);
                } else {
                    hex.finish();
                    if (kind == OracleArchiveSql.Kind.RAW) {
                        ps.setBytes(i, blob.getBytes(1, (int) blob.length())); // RAW: at most 32767 bytes
                    } else {
                        ps.setBlob(i, blob);
                    }
                }
            }
            default -> {
                StringBuilder text = new StringBuilder();
                boolean isNull = csv.field(c -> {
                    if (text.length() > 1_000_000) {
                        throw new RefusedException(ErrorKind.BAD_INPUT, "a value of column " + i + " is longer than"
                                + " any non-LOB Oracle column holds");
                    }
                    text.append(c);
                });
                String v = isNull ? null : text.toString();
                switch (kind) {
                    case NUMBER -> ps.setBigDecimal(i, v == null ? null : new java.math.BigDecimal(v));
                    case BINARY_FLOAT -> {
                        if (v == null) {
                            ps.setNull(i, Types.REAL);
                        } else {
                            ps.setFloat(i, Float.parseFloat(v));
                        }
                    }
                    case BINARY_DOUBLE -> {
                        if (v == null) {
                            ps.setNull(i, Types.DOUBLE);
                        } else {
                            ps.setDouble(i, Double.parseDouble(v));
                        }
                    }
                    default -> ps.setString(i, v);
                }
            }
        }
    }

    @Override
    public List<ArchivedFile> archivedFiles(long run) throws SQLException {
        List<ArchivedFile> out = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT batch, file_name, backup, seq_after, seq_upto,"
                + " row_count, sha256, csv_sha256 FROM " + schema() + ".ARCHIVE_BATCH WHERE run_id = ?"
                + " ORDER BY batch, file_name")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ArchivedFile(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 942) {
                return List.of(); // deployed before the table existed: nothing was archived unit by unit
            }
            throw e;
        }
        return out;
    }

    @Override
    public void recordArchivedFiles(long run, String location, List<String> superseded, List<ArchivedFile> added,
                                    String sha256, int files, long rows) throws SQLException {
        Long archiveId = null;
        try (PreparedStatement ps = connection().prepareStatement("SELECT MAX(archive_id) FROM " + schema()
                + ".ARCHIVE WHERE run_id = ? AND location = ?")) {
            ps.setLong(1, run);
            ps.setString(2, location);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    archiveId = rs.wasNull() ? null : id;
                }
            }
        }
        if (archiveId != null) {
            try (PreparedStatement ps = connection().prepareStatement("UPDATE " + schema() + ".ARCHIVE SET sha256 = ?,"
                    + " tables = ?, row_count = ? WHERE archive_id = ?")) {
                ps.setString(1, sha256);
                ps.setInt(2, files);
                ps.setLong(3, rows);
                ps.setLong(4, archiveId);
                ps.executeUpdate();
            }
        } else {
            archiveId = insertArchive(run, location, sha256, files, rows);
        }
        if (!superseded.isEmpty()) {
            try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + schema() + ".ARCHIVE_BATCH"
                    + " WHERE run_id = ? AND backup = ?")) {
                for (String backup : superseded) {
                    ps.setLong(1, run);
                    ps.setString(2, backup);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".ARCHIVE_BATCH (run_id,"
                + " batch, file_name, archive_id, backup, seq_after, seq_upto, row_count, sha256, csv_sha256)"
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
            if (!added.isEmpty()) {
                ps.executeBatch();
            }
        }
    }

    private long insertArchive(long run, String location, String sha256, int tables, long rows) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".ARCHIVE (run_id,"
                + " location, sha256, tables, row_count) VALUES (?, ?, ?, ?, ?)", new String[] {"ARCHIVE_ID"})) {
            ps.setLong(1, run);
            ps.setString(2, location);
            ps.setString(3, sha256);
            ps.setInt(4, tables);
            ps.setLong(5, rows);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void recordArchive(long run, String location, String sha256, int tables, long rows) throws SQLException {
        insertArchive(run, location, sha256, tables, rows);
    }

    @Override
    public List<ArchiveRecord> archives(long run) throws SQLException {
        List<ArchiveRecord> out = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT run_id, location, sha256, tables, row_count,"
                + " created_at, created_by FROM " + schema() + ".ARCHIVE WHERE run_id = ? ORDER BY archive_id")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ArchiveRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getLong(5), rs.getTimestamp(6).toInstant(), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 942) {
                return List.of(); // deployed before the archive table existed: nothing was recorded
            }
            throw e;
        }
        return out;
    }

    @Override
    public Optional<Expiry> expiry(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT expired_at, expired_by, expired_from FROM "
                + schema() + ".RUN WHERE run_id = ? AND status = 'expired'")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Expiry(rs.getTimestamp(1).toInstant(), rs.getString(2),
                        rs.getString(3))) : Optional.empty();
            }
        }
    }

    /** The mark, its log row and the removal of the run-time keys, in one transaction. */
    @Override
    public void markExpired(long run, String note) throws SQLException {
        inTransaction(() -> {
            // SESSION_USER: who connected; the row lock waits for a rollback in progress.
            try (PreparedStatement ps = connection().prepareStatement("UPDATE " + schema() + ".RUN SET status ="
                    + " 'expired', expired_at = SYSTIMESTAMP, expired_by = SYS_CONTEXT('USERENV', 'SESSION_USER'),"
                    + " expired_from = status WHERE run_id = ? AND job = ? AND status IN ('done', 'rolled back')")) {
                ps.setLong(1, run);
                ps.setString(2, job());
                if (ps.executeUpdate() == 0 && !"expired".equals(runInfo(run).status())) {
                    throw new RefusedException(ErrorKind.BAD_INPUT, "run " + run + " of job " + job() + " is "
                            + runInfo(run).status() + ": only a finished run (done or rolled back) can expire; an"
                            + " unfinished run needs its backup to go on or to be rolled back");
                }
            }
            try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".LOG (run_id,"
                    + " action, started_at, message) VALUES (?, 'expire', SYSTIMESTAMP, ?)")) {
                ps.setLong(1, run);
                ps.setString(2, note.length() > 1000 ? note.substring(0, 1000) : note);
                ps.executeUpdate();
            }
            // Root keys given at run time are values of the purged rows too.
            try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + schema()
                    + ".RUN_KEY WHERE run_id = ?")) {
                ps.setLong(1, run);
                ps.executeUpdate();
            }
        });
    }

    private interface Work {
        void run() throws SQLException;
    }

    private void inTransaction(Work work) throws SQLException {
        boolean autoCommit = connection().getAutoCommit();
        connection().setAutoCommit(false);
        try {
            work.run();
            connection().commit();
        } catch (SQLException | RuntimeException e) {
            connection().rollback();
            throw e;
        } finally {
            connection().setAutoCommit(autoCommit);
        }
    }

    /** One batch: any {@code batch} of the run's rows, found through the index on (DECLUTTER_RUN, ...). */
    @Override
    public long expireBatch(long run, BackupTable table, int batch) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + qualified(table)
                + " WHERE \"DECLUTTER_RUN\" = ? AND ROWNUM <= ?")) {
            ps.setLong(1, run);
            ps.setInt(2, batch);
            return ps.executeLargeUpdate();
        }
    }

    @Override
    public void unexpire(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("UPDATE " + schema() + ".RUN SET status ="
                + " NVL(expired_from, 'done') WHERE run_id = ? AND status = 'expired'")) {
            ps.setLong(1, run);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + schema() + ".LOG (run_id, action,"
                + " started_at, message) VALUES (?, 'restore', SYSTIMESTAMP, 'backup loaded from an archive by '"
                + " || SYS_CONTEXT('USERENV', 'SESSION_USER'))")) {
            ps.setLong(1, run);
            ps.executeUpdate();
        }
    }

    @Override
    public ErasureFacts erasureFacts(long run) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(Resources.text(OracleJobProcedures.class,
                "archive/erasure_facts.sql").formatted(schema()))) {
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

    /** Run-time keys from RUN_KEY; else the primary key of each root row in the root table's backup. */
    @Override
    public List<List<String>> rootKeys(long run) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("SELECT k1, k2, k3, k4, k5, k6, k7, k8 FROM "
                + schema() + ".RUN_KEY WHERE run_id = ? ORDER BY key_no")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>();
                    for (int i = 1; i <= MAX_KEY_PARTS && rs.getString(i) != null; i++) {
                        key.add(rs.getString(i));
                    }
                    keys.add(key);
                }
            }
        }
        if (!keys.isEmpty()) {
            return keys;
        }
        List<BackupTable> tables = backupTables();
        if (tables.isEmpty() || !tables.get(0).holdsRows()) {
            return keys;
        }
        BackupTable root = tables.get(0);
        int dot = root.table().indexOf('.');
        List<String> keyColumns = primaryKey(root.table().substring(0, dot), root.table().substring(dot + 1));
        if (keyColumns.isEmpty()) {
            return keys;
        }
        try (PreparedStatement ps = connection().prepareStatement("SELECT " + String.join(", ", keyColumns.stream()
                .map(OracleArchiveSql::ident).toList()) + " FROM " + qualified(root) + " WHERE \"DECLUTTER_RUN\" = ?"
                + " ORDER BY \"DECLUTTER_SEQ\"")) {
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

    /**
     * The unit in a transaction of its own (autocommit off): the step procedure never commits, so {@code beforeCommit}
     * (may be null) runs in the unit's transaction after it, and the unit commits only when it returned
     * (docs/archive.md#archive-before-delete). The step call is bounded by the job's statement timeout; the archive's
     * reads are not. A runner that dies before its COMMIT leaves its session to be rolled back by the database.
     */
    @Override
    public Step step(long run, int maxRows, BeforeCommit beforeCommit) throws SQLException, java.io.IOException {
        boolean autoCommit = connection().getAutoCommit();
        connection().setAutoCommit(false);
        try {
            Step step = step(run, maxRows);
            if (beforeCommit != null) {
                beforeCommit.run(step);
            }
            connection().commit();
            return step;
        } catch (SQLException e) {
            rollbackQuietly(e);
            if (OracleErrors.classify(e) != ErrorKind.RETRY) {
                throw e;
            }
            connection().setAutoCommit(autoCommit);
            noteRetry(run, e.getMessage());
            return new Step("retry", 0, -1);
        } catch (java.io.IOException | RuntimeException e) {
            rollbackQuietly(e);
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

    private void rollbackQuietly(Exception e) {
        try {
            connection().rollback();
        } catch (SQLException r) {
            e.addSuppressed(r);
        }
    }

    /** Logs a unit that timed out outside the step procedure's own handler, as the procedure logs its retries. */
    private void noteRetry(long run, String message) throws SQLException {
        try (CallableStatement cs = connection().prepareCall("{call " + schema()
                + ".NOTE_ERROR(?, NULL, NULL, 'step', ?, 1, SYSTIMESTAMP)}")) {
            cs.setLong(1, run);
            cs.setString(2, message == null ? "timeout" : message.length() > 3000 ? message.substring(0, 3000) : message);
            cs.execute();
        }
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
