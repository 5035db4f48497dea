package io.declutter.runner.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.declutter.dialect.DatabaseAudit.BackupTable;
import io.declutter.dialect.DatabaseAudit.ForeignKeyFinding;
import io.declutter.dialect.DatabaseAudit.TableStats;
import io.declutter.dialect.Resources;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The audit as one self-contained HTML page (docs/audit.md#html): tables written out as HTML, and two charts drawn
 * by Chart.js, which the page carries inline (the WebJar org.webjars.npm:chart.js on the class path): nothing is
 * fetched when the page is viewed.
 */
public final class AuditPage {

    /** The Chart.js build the page inlines; its version is the WebJar's in runner/pom.xml. */
    static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";
    /** Tables the size chart shows, largest first. */
    static final int CHART_TABLES = 20;

    private AuditPage() {
    }

    public static String html(AuditReport.Audit a) throws JsonProcessingException {
        return html(a, Map.of());
    }

    /**
     * The page, each suggested job's snippet followed by a link to its plan page ({@link SuggestedJobPages}), by job
     * name.
     */
    public static String html(AuditReport.Audit a, Map<String, SuggestedJobPages.Page> planPages)
            throws JsonProcessingException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>declutter audit of ").append(esc(a.database())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}")
                .append("th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}")
                .append("th{background:#f0f0f0}td.n{text-align:right}pre{background:#f7f7f7;padding:.5em;margin:0}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:2em}.chart{width:560px;height:380px}")
                .append("\n</style>\n</head>\n<body>\n");
        h.append("<h1>declutter audit of ").append(esc(a.database())).append("</h1>\n<p id=\"summary\">")
                .append(esc(Sizes.when(a.snapshot().takenAt()))).append(": ").append(a.snapshot().tables().size())
                .append(" tables, ").append(a.findings().size()).append(" findings");
        a.compared().ifPresent(c -> h.append(", compared with saved audit ").append(c.id()).append(" (")
                .append(esc(Sizes.when(c.takenAt()))).append(')'));
        if (a.savedAs() != null) {
            h.append(", saved as audit ").append(a.savedAs());
        }
        h.append(". Bloat: ").append(esc(a.bloatEstimate())).append(".</p>\n");

        h.append("<div class=\"charts\"><div class=\"chart\"><canvas id=\"sizes\"></canvas></div>")
                .append("<div class=\"chart\"><canvas id=\"reclaimable\"></canvas></div></div>\n");

        h.append("<h2>Findings, largest reclaimable space first</h2>\n");
        List<List<String>> rows = new ArrayList<>();
        int n = 1;
        for (Finding f : a.findings()) {
            rows.add(List.of(String.valueOf(n++), f.reclaimableBytes() == 0 ? "-" : Sizes.human(f.reclaimableBytes()),
                    f.kind().label(), f.table(), f.detail(), f.suggestion() == null ? "" : "\u0000" + f.suggestion()));
        }
        table(h, "findings", List.of("#", "reclaimable", "finding", "table", "detail", "suggestion"), rows, planPages);

        h.append("<h2>Tables</h2>\n");
        rows = new ArrayList<>();
        for (TableStats t : a.snapshot().tables()) {
            rows.add(List.of(t.name() + (t.partitioned() ? " (partitioned)" : t.parent() != null ? " (partition)" : ""),
                    Sizes.human(t.totalBytes()), Sizes.human(t.heapBytes()),
                    Sizes.human(t.indexBytes()), Sizes.human(t.toastBytes()),
                    t.rows() < 0 ? "?" : String.valueOf(t.rows()), String.valueOf(t.deadTuples()),
                    String.format(Locale.ROOT, "%.0f%%", 100 * t.deadRatio()),
                    t.bloatBytes() == null ? "?" : Sizes.human(t.bloatBytes()),
                    Sizes.when(AuditReport.latest(t.lastVacuum(), t.lastAutovacuum())),
                    Sizes.when(AuditReport.latest(t.lastAnalyze(), t.lastAutoanalyze())),
                    t.inserts() + "/" + t.updates() + "/" + t.deletes()));
        }
        table(h, "tables", List.of("table", "total", "heap", "indexes", "toast", "rows", "dead", "dead%", "bloat",
                "last vacuum", "last analyze", "ins/upd/del"), rows);

        fkTable(h, "Unindexed foreign keys", "unindexed", a.snapshot().unindexedForeignKeys());
        fkTable(h, "Foreign keys into partitions", "partition-fks", a.snapshot().partitionForeignKeys());

        h.append("<h2>Backup tables of declutter</h2>\n");
        rows = new ArrayList<>();
        for (BackupTable b : a.snapshot().backupTables()) {
            rows.add(List.of(b.table(), Objects.requireNonNullElse(b.job(), "?"),
                    Objects.requireNonNullElse(b.purgedTable(), "?"), Sizes.human(b.totalBytes()),
                    b.rowEstimate() < 0 ? "?" : String.valueOf(b.rowEstimate()),
                    Findings.runsOf(a.snapshot().runs(), b)));
        }
        table(h, "backups", List.of("backup table", "job", "of table", "size", "rows", "runs"), rows);

        if (!a.snapshot().runs().isEmpty()) {
            h.append("<h2>After purges</h2>\n");
            table(h, "purges", AuditReport.AFTER_PURGE_HEADERS, AuditReport.afterPurges(a.snapshot()));
        }

        h.append("<script>\n").append(chartJs()).append("\n</script>\n");
        h.append("<script type=\"application/json\" id=\"audit-data\">").append(scriptSafe(chartData(a)))
                .append("</script>\n");
        h.append("<script>\n").append(CHARTS).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    /** The charts' data: the largest tables by size part, and the findings with reclaimable space. */
    private static String chartData(AuditReport.Audit a) throws JsonProcessingException {
        List<TableStats> largest = a.snapshot().tables().stream()
                .sorted(Comparator.comparingLong(TableStats::totalBytes).reversed().thenComparing(TableStats::name))
                .limit(CHART_TABLES).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tables", largest.stream().map(TableStats::name).toList());
        data.put("heap", largest.stream().map(TableStats::heapBytes).toList());
        data.put("indexes", largest.stream().map(TableStats::indexBytes).toList());
        data.put("toast", largest.stream().map(TableStats::toastBytes).toList());
        List<Finding> space = a.findings().stream().filter(f -> f.reclaimableBytes() > 0).limit(CHART_TABLES).toList();
        data.put("findings", space.stream().map(f -> f.kind().label() + ": " + f.table()).toList());
        data.put("reclaimable", space.stream().map(Finding::reclaimableBytes).toList());
        return AuditReport.mapper().writeValueAsString(data);
    }

    private static final String CHARTS = """
            (function () {
              const d = JSON.parse(document.getElementById('audit-data').textContent);
              const mb = v => v / 1048576;
              const opts = title => ({responsive: true, maintainAspectRatio: false, indexAxis: 'y',
                plugins: {title: {display: true, text: title}},
                scales: {x: {stacked: true, title: {display: true, text: 'MB'}}, y: {stacked: true}}});
              new Chart(document.getElementById('sizes'), {type: 'bar',
                data: {labels: d.tables, datasets: [
                  {label: 'heap', data: d.heap.map(mb)},
                  {label: 'indexes', data: d.indexes.map(mb)},
                  {label: 'TOAST', data: d.toast.map(mb)}]},
                options: opts('Largest tables')});
              new Chart(document.getElementById('reclaimable'), {type: 'bar',
                data: {labels: d.findings, datasets: [{label: 'reclaimable', data: d.reclaimable.map(mb)}]},
                options: opts('Reclaimable space')});
              document.body.dataset.chartsDrawn = 'true';
            })();
            """;

    private static void fkTable(StringBuilder h, String title, String id, List<ForeignKeyFinding> fks) {
        h.append("<h2>").append(esc(title)).append("</h2>\n");
        List<List<String>> rows = new ArrayList<>();
        for (ForeignKeyFinding fk : fks) {
            rows.add(List.of(fk.name(), fk.constraint(), String.join(", ", fk.columns()), fk.referencedTable(),
                    fk.referencedKind()));
        }
        table(h, id, List.of("table", "foreign key", "columns", "references", "referenced is"), rows);
    }

    /** A table; a cell starting with NUL is preformatted text (a suggestion). */
    private static void table(StringBuilder h, String id, List<String> headers, List<List<String>> rows) {
        table(h, id, headers, rows, Map.of());
    }

    /** A preformatted cell that is a suggested job ("job: NAME ...") links to the plan page of NAME, if any. */
    private static void table(StringBuilder h, String id, List<String> headers, List<List<String>> rows,
                              Map<String, SuggestedJobPages.Page> planPages) {
        if (rows.isEmpty()) {
            h.append("<p id=\"").append(id).append("\">none</p>\n");
            return;
        }
        h.append("<table id=\"").append(id).append("\">\n<thead><tr>");
        headers.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            h.append("<tr>");
            for (String cell : row) {
                if (cell.startsWith("\u0000")) {
                    h.append("<td><pre>").append(esc(cell.substring(1))).append("</pre>");
                    planLink(h, cell.substring(1), planPages);
                    h.append("</td>");
                } else {
                    h.append(cell.matches("[0-9.?%/ -]+|[0-9.]+ (bytes|kB|MB|GB|TB)") ? "<td class=\"n\">" : "<td>")
                            .append(esc(cell)).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void planLink(StringBuilder h, String suggestion, Map<String, SuggestedJobPages.Page> planPages) {
        java.util.regex.Matcher job = java.util.regex.Pattern.compile("^job: (\\S+)").matcher(suggestion);
        SuggestedJobPages.Page page = job.find() ? planPages.get(job.group(1)) : null;
        if (page == null) {
            return;
        }
        if (page.href() != null) {
            h.append("<a class=\"plan\" href=\"").append(esc(page.href())).append("\">plan of job ")
                    .append(esc(page.job())).append(": its closure as a picture</a>");
        } else {
            h.append("<p class=\"plan\">no plan picture: ").append(esc(page.problem())).append("</p>");
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Text that may stand inside a script element: no "</" that could end it. */
    private static String scriptSafe(String s) {
        return s.replace("</", "<\\/");
    }

    private static String chartJs() {
        return scriptSafe(Resources.text(AuditPage.class, CHART_JS));
    }
}
