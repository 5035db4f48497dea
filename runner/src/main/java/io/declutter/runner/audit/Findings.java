package io.declutter.runner.audit;

import io.declutter.dialect.DatabaseAudit.BackupTable;
import io.declutter.dialect.DatabaseAudit.ForeignKeyFinding;
import io.declutter.dialect.DatabaseAudit.RunTable;
import io.declutter.dialect.DatabaseAudit.SavedAudit;
import io.declutter.dialect.DatabaseAudit.SavedTable;
import io.declutter.dialect.DatabaseAudit.Snapshot;
import io.declutter.dialect.DatabaseAudit.TableStats;
import io.declutter.dialect.Dialect;
import io.declutter.model.TableName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns what an audit read into findings, ranked largest reclaimable space first (then largest table), with the
 * thresholds of docs/audit.md#findings. Pure: no database.
 */
public final class Findings {

    /** Bloat is reported from this many bytes and this share of the heap. */
    static final long MIN_BLOAT_BYTES = 64 * 1024;
    static final double MIN_BLOAT_SHARE = 0.2;
    /** Dead tuples are reported from this many and this share of all tuples. */
    static final long MIN_DEAD_TUPLES = 1000;
    static final double MIN_DEAD_SHARE = 0.1;
    /** The retention a suggested job starts from; the DBA sets the real one. */
    static final int SUGGESTED_RETENTION_DAYS = 365;

    private static final Comparator<Finding> RANK = Comparator.comparingLong(Finding::reclaimableBytes).reversed()
            .thenComparing(Finding::kind).thenComparing(Finding::table).thenComparing(Finding::detail);

    private Findings() {
    }

    /** Settings of the ranking: how many rows make a table large enough for a retention job. */
    public record Settings(long largeRows) {
        public Settings {
            if (largeRows < 0) {
                throw new IllegalArgumentException("largeRows " + largeRows);
            }
        }
    }

    /** Tables with no writes since the saved audit (same counters, same counter start). */
    public static List<TableStats> unwrittenSince(Snapshot s, SavedAudit saved) {
        Map<String, SavedTable> before = saved.tables().stream()
                .collect(Collectors.toMap(SavedTable::name, Function.identity(), (a, b) -> a));
        List<TableStats> out = new ArrayList<>();
        for (TableStats t : s.tables()) {
            SavedTable b = before.get(t.name());
            if (b != null && !t.partitioned() && Objects.equals(b.countersSince(), t.countersSince())
                    && b.inserts() == t.inserts() && b.updates() == t.updates() && b.deletes() == t.deletes()) {
                out.add(t);
            }
        }
        return out;
    }

    public static List<Finding> rank(Snapshot s, Optional<SavedAudit> saved, Settings settings, Dialect dialect) {
        List<Finding> out = new ArrayList<>();
        Map<String, List<RunTable>> purgedBy = new TreeMap<>();
        s.runs().forEach(r -> purgedBy.computeIfAbsent(r.table(), k -> new ArrayList<>()).add(r));
        for (TableStats t : s.tables()) {
            if (t.bloatBytes() != null && t.bloatBytes() >= MIN_BLOAT_BYTES
                    && t.bloatBytes() >= MIN_BLOAT_SHARE * t.heapBytes()) {
                out.add(new Finding(Finding.Kind.BLOAT, t.name(), t.bloatBytes(), String.format(
                        "~%s of %s heap is free space (statistics-based estimate)%s; %s", Sizes.human(t.bloatBytes()),
                        Sizes.human(t.heapBytes()), purgeNote(purgedBy.get(t.name())), dialect.bloatRemedy()), null));
            }
            if (t.deadTuples() >= MIN_DEAD_TUPLES && t.deadRatio() >= MIN_DEAD_SHARE) {
                out.add(new Finding(Finding.Kind.DEAD_TUPLES, t.name(), Math.round(t.heapBytes() * t.deadRatio()),
                        String.format("%d dead tuples (%.0f%%), last vacuum %s: VACUUM makes their space reusable",
                                t.deadTuples(), 100 * t.deadRatio(), Sizes.when(latest(t.lastVacuum(),
                                        t.lastAutovacuum()))), null));
            }
            if (!t.partitioned() && t.inserts() > 0 && t.updates() == 0 && t.deletes() == 0
                    && t.rows() >= settings.largeRows() && t.timestampColumn() != null) {
                out.add(new Finding(Finding.Kind.RETENTION, t.name(), 0, String.format(
                        "%d rows inserted and none updated or deleted since the statistics were reset; %s dates them:"
                        + " a retention job fits", t.inserts(), t.timestampColumn()), retentionJob(t, dialect)));
            }
        }
        saved.ifPresent(a -> unwrittenSince(s, a).forEach(t -> out.add(new Finding(Finding.Kind.NO_WRITES, t.name(), 0,
                "no inserts, updates or deletes since saved audit " + a.id() + " (" + Sizes.when(a.takenAt()) + "), "
                        + Sizes.human(t.totalBytes()), null))));
        for (ForeignKeyFinding fk : s.unindexedForeignKeys()) {
            out.add(new Finding(Finding.Kind.UNINDEXED_FOREIGN_KEY, fk.name(), 0, fk.constraint() + " ("
                    + String.join(", ", fk.columns()) + ") -> " + fk.referencedTable() + ": each delete of a parent row"
                    + " scans " + fk.name(), dialect.createIndexStatement(new TableName(fk.schema(), fk.table()),
                    fk.columns())));
        }
        for (ForeignKeyFinding fk : s.partitionForeignKeys()) {
            out.add(new Finding(Finding.Kind.FOREIGN_KEY_INTO_PARTITION, fk.name(), 0, fk.constraint() + " ("
                    + String.join(", ", fk.columns()) + ") -> " + fk.referencedTable() + ", a " + fk.referencedKind(),
                    null));
        }
        for (BackupTable b : s.backupTables()) {
            String runs = runsOf(s.runs(), b);
            out.add(new Finding(Finding.Kind.BACKUP_TABLE, dialect.frameworkSchema() + "." + b.table(),
                    b.totalBytes(), "backup of " + Objects.requireNonNullElse(b.purgedTable(), "?") + " for job "
                    + Objects.requireNonNullElse(b.job(), "?") + (runs.isEmpty() ? "" : ", runs " + runs)
                    + "; rollback needs it: drop it when the runs need no rollback (no expiry)", null));
        }
        out.sort(RANK);
        return out;
    }

    /** The runs of the backup table's job that deleted rows from its table: {@code 3 (done), 5 (done)}. */
    static String runsOf(List<RunTable> runs, BackupTable b) {
        return runs.stream().filter(r -> r.job().equals(b.job()) && r.table().equals(b.purgedTable()))
                .map(r -> r.runId() + " (" + r.status() + ")").distinct().collect(Collectors.joining(", "));
    }

    private static String purgeNote(List<RunTable> runs) {
        if (runs == null || runs.isEmpty()) {
            return "";
        }
        long rows = runs.stream().mapToLong(RunTable::rowsDeleted).sum();
        return ", after " + rows + " rows purged by declutter run " + runs.stream().map(r -> String.valueOf(r.runId()))
                .distinct().collect(Collectors.joining(", "));
    }

    private static java.time.Instant latest(java.time.Instant a, java.time.Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** A job file for a retention purge of the table: the DBA sets the retention and the window. */
    static String retentionJob(TableStats t, Dialect dialect) {
        String job = (t.table() + "_retention").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String where = dialect.olderThanPredicate(t.timestampColumn(), SUGGESTED_RETENTION_DAYS);
        return "job: " + job + "\n"
                + "root:\n"
                + "  table: " + t.name() + "\n"
                + "  where: \"" + where.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n"
                + "batchSize: 5000\n"
                + "window:\n"
                + "  start: \"22:00\"\n"
                + "  end: \"05:00\"\n";
    }
}
