package io.declutter.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code declutter audit} reads from a database, through the dialect's audit statements ({@link AuditQuery}),
 * as plain records: the runner ranks and formats them. Reads only, in one read-only transaction, except
 * {@link #save}, the one write (docs/audit.md).
 */
public final class DatabaseAudit {

    /** One table (or partition) of an application schema. Sizes in bytes; -1 rows: never analyzed. */
    public record TableStats(String schema, String table, boolean partitioned, String parent, long heapBytes,
                             long indexBytes, long toastBytes, long rowEstimate, Long exactRows, long liveTuples,
                             long deadTuples, Instant lastVacuum, Instant lastAutovacuum, Instant lastAnalyze,
                             Instant lastAutoanalyze, long inserts, long updates, long deletes, Instant countersSince,
                             Long bloatBytes, String timestampColumn) {
        public TableStats {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(table, "table");
            if (heapBytes < 0 || indexBytes < 0 || toastBytes < 0 || deadTuples < 0) {
                throw new IllegalArgumentException("negative size or dead tuples for " + schema + "." + table);
            }
        }

        public String name() {
            return schema + "." + table;
        }

        public long totalBytes() {
            return heapBytes + indexBytes + toastBytes;
        }

        /** Counted rows with --exact, else the estimate. */
        public long rows() {
            return exactRows != null ? exactRows : rowEstimate;
        }

        /** Dead tuples over live and dead ones, 0 when the table has neither. */
        public double deadRatio() {
            long all = liveTuples + deadTuples;
            return all == 0 ? 0 : (double) deadTuples / all;
        }

        public long writes() {
            return inserts + updates + deletes;
        }

        public TableStats withExactRows(long rows) {
            return new TableStats(schema, table, partitioned, parent, heapBytes, indexBytes, toastBytes, rowEstimate,
                    rows, liveTuples, deadTuples, lastVacuum, lastAutovacuum, lastAnalyze, lastAutoanalyze, inserts,
                    updates, deletes, countersSince, bloatBytes, timestampColumn);
        }
    }

    /** A foreign key found by an audit query; {@code referencedKind}: table, partition (of ...), partitioned table. */
    public record ForeignKeyFinding(String schema, String table, String constraint, List<String> columns,
                                    String referencedTable, String referencedKind) {
        public ForeignKeyFinding {
            Objects.requireNonNull(constraint, "constraint");
            columns = List.copyOf(columns);
        }

        public String name() {
            return schema + "." + table;
        }
    }

    /** A backup table in the framework schema; job and purged table from its comment (null when missing). */
    public record BackupTable(String table, String job, String purgedTable, long totalBytes, long rowEstimate) {
        public BackupTable {
            Objects.requireNonNull(table, "table");
        }
    }

    /** Rows a run of a job deleted from one table (declutter's log). */
    public record RunTable(String job, long runId, String status, Instant startedAt, Instant endedAt, String table,
                           long rowsDeleted) {
        public RunTable {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(table, "table");
        }
    }

    /** One table of a saved audit. */
    public record SavedTable(String schema, String table, long totalBytes, long rowEstimate, long inserts, long updates,
                             long deletes, Instant countersSince) {
        public String name() {
            return schema + "." + table;
        }
    }

    /** A saved audit. */
    public record SavedAudit(long id, Instant takenAt, List<SavedTable> tables) {
        public SavedAudit {
            if (id < 1) {
                throw new IllegalArgumentException("audit id " + id);
            }
            tables = List.copyOf(tables);
        }
    }

    /** Everything one audit read. */
    public record Snapshot(Instant takenAt, List<TableStats> tables, List<ForeignKeyFinding> unindexedForeignKeys,
                           List<ForeignKeyFinding> partitionForeignKeys, List<BackupTable> backupTables,
                           List<RunTable> runs, boolean auditsSaved) {
        public Snapshot {
            Objects.requireNonNull(takenAt, "takenAt");
            tables = List.copyOf(tables);
            unindexedForeignKeys = List.copyOf(unindexedForeignKeys);
            partitionForeignKeys = List.copyOf(partitionForeignKeys);
            backupTables = List.copyOf(backupTables);
            runs = List.copyOf(runs);
        }
    }

    private final Dialect dialect;

    public DatabaseAudit(Dialect dialect) {
        this.dialect = dialect;
    }

    private String sql(AuditQuery q) {
        return dialect.auditSql(q);
    }

    /** Makes the session read only with a lock timeout; every later transaction of it reads only. */
    public void readOnly(Connection c) throws SQLException {
        execute(c, AuditQuery.SESSION);
    }

    /** Reads the audit in one transaction; with {@code exact}, counts each table's rows. */
    public Snapshot read(Connection c, boolean exact) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            execute(c, AuditQuery.READ_BEGIN);
            Instant now = Instant.now();
            List<TableStats> tables = tables(c);
            if (exact) {
                List<TableStats> counted = new ArrayList<>();
                for (TableStats t : tables) {
                    counted.add(t.partitioned() ? t : t.withExactRows(count(c, t.schema(), t.table())));
                }
                tables = counted;
            }
            int[] present = present(c);
            Snapshot s = new Snapshot(now, tables, foreignKeys(c, AuditQuery.UNINDEXED_FOREIGN_KEYS),
                    foreignKeys(c, AuditQuery.PARTITION_FOREIGN_KEYS), backupTables(c),
                    present[0] == 1 ? runs(c) : List.of(), present[1] == 1);
            c.rollback();
            return s;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private List<TableStats> tables(Connection c) throws SQLException {
        List<TableStats> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql(AuditQuery.TABLES))) {
            while (rs.next()) {
                out.add(new TableStats(rs.getString("schema_name"), rs.getString("table_name"),
                        rs.getInt("partitioned") == 1, rs.getString("parent_table"), rs.getLong("heap_bytes"),
                        rs.getLong("index_bytes"), rs.getLong("toast_bytes"), rs.getLong("row_estimate"), null,
                        rs.getLong("live_tuples"), rs.getLong("dead_tuples"), instant(rs, "last_vacuum"),
                        instant(rs, "last_autovacuum"), instant(rs, "last_analyze"), instant(rs, "last_autoanalyze"),
                        rs.getLong("inserts"), rs.getLong("updates"), rs.getLong("deletes"),
                        instant(rs, "counters_since"), nullableLong(rs, "bloat_bytes"),
                        rs.getString("timestamp_column")));
            }
        }
        return out;
    }

    /** {@code SELECT count(*)} of one table, its name quoted by the dialect. */
    private long count(Connection c, String schema, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + dialect.qualify(schema, table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<ForeignKeyFinding> foreignKeys(Connection c, AuditQuery q) throws SQLException {
        List<ForeignKeyFinding> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql(q))) {
            while (rs.next()) {
                String cols = rs.getString("column_names");
                out.add(new ForeignKeyFinding(rs.getString("schema_name"), rs.getString("table_name"),
                        rs.getString("constraint_name"), cols == null ? List.of() : Arrays.asList(cols.split(",")),
                        rs.getString("referenced_table"), rs.getString("referenced_kind")));
            }
        }
        return out;
    }

    private List<BackupTable> backupTables(Connection c) throws SQLException {
        List<BackupTable> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql(AuditQuery.BACKUP_TABLES))) {
            while (rs.next()) {
                out.add(new BackupTable(rs.getString("table_name"), rs.getString("job"), rs.getString("purged_table"),
                        rs.getLong("total_bytes"), rs.getLong("row_estimate")));
            }
        }
        return out;
    }

    /** Whether declutter's run tables (0) and saved audits (1) exist, as 1 or 0. */
    private int[] present(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql(AuditQuery.FRAMEWORK_PRESENT))) {
            rs.next();
            return new int[] {rs.getInt("runs"), rs.getInt("audits")};
        }
    }

    private List<RunTable> runs(Connection c) throws SQLException {
        List<RunTable> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql(AuditQuery.BACKUP_RUNS))) {
            while (rs.next()) {
                out.add(new RunTable(rs.getString("job"), rs.getLong("run_id"), rs.getString("status"),
                        instant(rs, "started_at"), instant(rs, "ended_at"), rs.getString("table_name"),
                        rs.getLong("rows_deleted")));
            }
        }
        return out;
    }

    /** A saved audit: {@code id}, or the latest when {@code id} is 0; empty when there is none. */
    public Optional<SavedAudit> saved(Connection c, long id) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            execute(c, AuditQuery.READ_BEGIN);
            if (present(c)[1] != 1) {
                return Optional.empty();
            }
            List<SavedTable> tables = new ArrayList<>();
            long found = 0;
            Instant takenAt = null;
            try (PreparedStatement ps = c.prepareStatement(sql(AuditQuery.SAVED))) {
                ps.setLong(1, id);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found = rs.getLong("audit_id");
                        takenAt = instant(rs, "taken_at");
                        tables.add(new SavedTable(rs.getString("schema_name"), rs.getString("table_name"),
                                rs.getLong("total_bytes"), rs.getLong("row_estimate"), rs.getLong("inserts"),
                                rs.getLong("updates"), rs.getLong("deletes"), instant(rs, "counters_since")));
                    }
                }
            }
            return found == 0 ? Optional.empty() : Optional.of(new SavedAudit(found, takenAt, tables));
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    /**
     * Saves the audit's tables to the framework schema's audit table (created when missing): the audit's only
     * write, in a read-write transaction of its own. Returns the saved audit's id.
     */
    public long save(Connection c, Snapshot s) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute(sql(AuditQuery.SAVE_BEGIN));
            for (String statement : statements(sql(AuditQuery.SAVE_CREATE))) {
                st.execute(statement);
            }
            st.execute(sql(AuditQuery.SAVE_LOCK));
            long id;
            try (ResultSet rs = st.executeQuery(sql(AuditQuery.SAVE_NEXT_ID))) {
                rs.next();
                id = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(sql(AuditQuery.SAVE_INSERT))) {
                for (TableStats t : s.tables()) {
                    ps.setLong(1, id);
                    ps.setTimestamp(2, Timestamp.from(s.takenAt()));
                    ps.setString(3, t.schema());
                    ps.setString(4, t.table());
                    ps.setLong(5, t.totalBytes());
                    ps.setLong(6, t.rows());
                    ps.setLong(7, t.inserts());
                    ps.setLong(8, t.updates());
                    ps.setLong(9, t.deletes());
                    ps.setTimestamp(10, t.countersSince() == null ? null : Timestamp.from(t.countersSince()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            return id;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private void execute(Connection c, AuditQuery q) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String statement : statements(sql(q))) {
                st.execute(statement);
            }
        }
    }

    /**
     * The statements of a file, comment lines left out: separated by lines holding only '/' when it has such
     * lines (PL/SQL blocks), else by lines ending in ';'.
     */
    static List<String> statements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean slashes = text.lines().anyMatch(l -> l.strip().equals("/"));
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            if (slashes) {
                if (line.strip().equals("/")) {
                    out.add(current.toString().strip());
                    current.setLength(0);
                } else {
                    current.append(line).append('\n');
                }
                continue;
            }
            current.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                out.add(current.toString().stripTrailing().replaceFirst(";$", ""));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
