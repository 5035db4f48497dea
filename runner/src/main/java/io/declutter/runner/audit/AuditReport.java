package io.declutter.runner.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.declutter.dialect.DatabaseAudit.BackupTable;
import io.declutter.dialect.DatabaseAudit.ForeignKeyFinding;
import io.declutter.dialect.DatabaseAudit.RunTable;
import io.declutter.dialect.DatabaseAudit.SavedAudit;
import io.declutter.dialect.DatabaseAudit.Snapshot;
import io.declutter.dialect.DatabaseAudit.TableStats;
import io.declutter.runner.purge.TextTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The audit as people and scripts read it: a text report, JSON, and (see {@link AuditPage}) an HTML page. */
public final class AuditReport {

    /**
     * An audit with its findings: {@code compared}, the saved audit it was compared with; {@code savedAs}, its id;
     * {@code bloatEstimate}, which estimate the bloat column is (the dialect's, docs/audit.md#bloat).
     */
    public record Audit(String database, Snapshot snapshot, Optional<SavedAudit> compared, Long savedAs,
                        List<Finding> findings, String bloatEstimate) {
        public Audit {
            Objects.requireNonNull(snapshot, "snapshot");
            Objects.requireNonNull(bloatEstimate, "bloatEstimate");
            Objects.requireNonNull(compared, "compared");
            findings = List.copyOf(findings);
        }
    }

    private AuditReport() {
    }

    public static String text(Audit a) {
        Snapshot s = a.snapshot();
        StringBuilder out = new StringBuilder();
        out.append("Audit of ").append(a.database()).append(" at ").append(Sizes.when(s.takenAt()))
                .append(": ").append(s.tables().size()).append(" tables");
        a.compared().ifPresent(c -> out.append(", compared with saved audit ").append(c.id()).append(" (")
                .append(Sizes.when(c.takenAt())).append(")"));
        if (a.savedAs() != null) {
            out.append(", saved as audit ").append(a.savedAs());
        }
        out.append("\n\n");

        out.append("Findings, largest reclaimable space first:\n");
        if (a.findings().isEmpty()) {
            out.append("  none\n");
        } else {
            List<List<String>> rows = new ArrayList<>();
            int n = 1;
            for (Finding f : a.findings()) {
                rows.add(List.of(String.valueOf(n++), f.reclaimableBytes() == 0 ? "-" : Sizes.human(f.reclaimableBytes()),
                        f.kind().label(), f.table(), f.detail()));
            }
            out.append(TextTable.render(List.of("#", "reclaimable", "finding", "table", "detail"), rows));
        }

        out.append("\nTables (rows: ").append(s.tables().stream().anyMatch(t -> t.exactRows() != null) ? "counted"
                : "estimated").append("; bloat: ").append(a.bloatEstimate()).append("):\n");
        List<List<String>> rows = new ArrayList<>();
        for (TableStats t : s.tables()) {
            rows.add(List.of(t.name() + (t.partitioned() ? " (partitioned)" : t.parent() != null ? " (partition)" : ""),
                    Sizes.human(t.totalBytes()), Sizes.human(t.heapBytes()), Sizes.human(t.indexBytes()),
                    Sizes.human(t.toastBytes()), t.rows() < 0 ? "?" : String.valueOf(t.rows()),
                    String.valueOf(t.deadTuples()), String.format(Locale.ROOT, "%.0f%%", 100 * t.deadRatio()),
                    t.bloatBytes() == null ? "?" : Sizes.human(t.bloatBytes()),
                    Sizes.when(latest(t.lastVacuum(), t.lastAutovacuum())),
                    Sizes.when(latest(t.lastAnalyze(), t.lastAutoanalyze())),
                    t.inserts() + "/" + t.updates() + "/" + t.deletes()));
        }
        out.append(TextTable.render(List.of("table", "total", "heap", "indexes", "toast", "rows", "dead", "dead%",
                "bloat", "last vacuum", "last analyze", "ins/upd/del"), rows));
        out.append("  ins/upd/del: writes since the statistics were last reset")
                .append(s.tables().stream().map(TableStats::countersSince).filter(Objects::nonNull).findFirst()
                        .map(t -> " (" + Sizes.when(t) + ")").orElse(" (or the server started)")).append('\n');

        section(out, "Unindexed foreign keys", s.unindexedForeignKeys());
        section(out, "Foreign keys into partitions", s.partitionForeignKeys());

        out.append("\nBackup tables of declutter:\n");
        if (s.backupTables().isEmpty()) {
            out.append("  none\n");
        } else {
            List<List<String>> b = new ArrayList<>();
            for (BackupTable t : s.backupTables()) {
                b.add(List.of(t.table(), Objects.requireNonNullElse(t.job(), "?"),
                        Objects.requireNonNullElse(t.purgedTable(), "?"), Sizes.human(t.totalBytes()),
                        t.rowEstimate() < 0 ? "?" : String.valueOf(t.rowEstimate()), Findings.runsOf(s.runs(), t)));
            }
            out.append(TextTable.render(List.of("backup table", "job", "of table", "size", "rows", "runs"), b));
        }

        if (!s.runs().isEmpty()) {
            out.append("\nAfter purges (docs/audit.md#after-a-purge):\n");
            out.append(TextTable.render(AFTER_PURGE_HEADERS, afterPurges(s)));
        }

        List<Finding> suggested = a.findings().stream().filter(f -> f.suggestion() != null).toList();
        if (!suggested.isEmpty()) {
            out.append("\nSuggestions:\n");
            for (Finding f : suggested) {
                out.append("\n# ").append(f.kind().label()).append(": ").append(f.table()).append('\n')
                        .append(f.suggestion().stripTrailing()).append('\n');
            }
        }
        return out.toString();
    }

    static final List<String> AFTER_PURGE_HEADERS = List.of("run", "job", "status", "started", "table", "rows deleted",
            "freed (est.)", "still reclaimable (est.)");

    /**
     * One table of one declutter run after the purge (docs/audit.md#after-a-purge): the rows the run deleted, the
     * space they took ({@code freedBytes}, an estimate: the heap's share of them, heap bytes times rows deleted over
     * rows left plus rows deleted; the purge's VACUUM makes it reusable, the file keeps its size; null when the table's
     * rows are unknown) and what rewriting the table (VACUUM FULL, pg_repack) would still give back
     * ({@code stillReclaimableBytes}: the table's bloat estimate, null when unknown).
     */
    public record AfterPurge(long runId, String job, String status, java.time.Instant startedAt, String table,
                             long rowsDeleted, Long freedBytes, Long stillReclaimableBytes) {
        public AfterPurge {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(table, "table");
        }
    }

    static List<AfterPurge> afterPurge(Snapshot s) {
        Map<String, TableStats> byName = new LinkedHashMap<>();
        s.tables().forEach(t -> byName.put(t.name(), t));
        List<AfterPurge> r = new ArrayList<>();
        for (RunTable run : s.runs()) {
            TableStats t = byName.get(run.table());
            Long freed = null;
            if (t != null && t.rowEstimate() >= 0 && t.rowEstimate() + run.rowsDeleted() > 0) {
                freed = Math.round((double) t.heapBytes() * run.rowsDeleted() / (t.rowEstimate() + run.rowsDeleted()));
            }
            r.add(new AfterPurge(run.runId(), run.job(), run.status(), run.startedAt(), run.table(), run.rowsDeleted(),
                    freed, t == null ? null : t.bloatBytes()));
        }
        return r;
    }

    /** {@link #afterPurge} as the text report and the HTML page show it, one row per run and table. */
    static List<List<String>> afterPurges(Snapshot s) {
        List<List<String>> r = new ArrayList<>();
        for (AfterPurge a : afterPurge(s)) {
            r.add(List.of(String.valueOf(a.runId()), a.job(), a.status(), Sizes.when(a.startedAt()), a.table(),
                    String.valueOf(a.rowsDeleted()), a.freedBytes() == null ? "?" : Sizes.human(a.freedBytes()),
                    a.stillReclaimableBytes() == null ? "?" : Sizes.human(a.stillReclaimableBytes())));
        }
        return r;
    }

    private static void section(StringBuilder out, String title, List<ForeignKeyFinding> fks) {
        out.append('\n').append(title).append(":\n");
        if (fks.isEmpty()) {
            out.append("  none\n");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (ForeignKeyFinding fk : fks) {
            rows.add(List.of(fk.name(), fk.constraint(), String.join(", ", fk.columns()), fk.referencedTable(),
                    fk.referencedKind()));
        }
        out.append(TextTable.render(List.of("table", "foreign key", "columns", "references", "referenced is"), rows));
    }

    static java.time.Instant latest(java.time.Instant a, java.time.Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** The audit as JSON (docs/audit.md#json): the findings in rank order, then everything read. */
    public static String json(Audit a) throws JsonProcessingException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("database", a.database());
        root.put("takenAt", a.snapshot().takenAt());
        root.put("comparedWith", a.compared().map(c -> Map.of("auditId", c.id(), "takenAt", c.takenAt())).orElse(null));
        root.put("savedAs", a.savedAs());
        root.put("bloatEstimate", a.bloatEstimate());
        root.put("findings", a.findings());
        root.put("tables", a.snapshot().tables());
        root.put("unindexedForeignKeys", a.snapshot().unindexedForeignKeys());
        root.put("partitionForeignKeys", a.snapshot().partitionForeignKeys());
        root.put("backupTables", a.snapshot().backupTables());
        root.put("runs", a.snapshot().runs());
        root.put("afterPurges", afterPurge(a.snapshot()));
        return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
}
