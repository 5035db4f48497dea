package io.declutter.runner.picture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.dialect.Resources;
import io.declutter.plan.ClosureGraph;
import io.declutter.plan.ClosureGraph.Kind;
import io.declutter.plan.ClosureGraph.Link;
import io.declutter.plan.ClosureGraph.Mark;
import io.declutter.plan.ClosureGraph.Node;
import io.declutter.plan.ClosureGraph.Role;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The closure graph as one self-contained HTML page (docs/plan-picture.md#html): the graph drawn by cytoscape.js
 * with the dagre layout (cytoscape-dagre), both inlined from the copies under {@code picture/vendor/} (nothing is fetched when the page
 * is viewed), the legend, the findings and the tables written out as HTML, and {@code plan-page.js} for collapse,
 * search and selection. Only lays the graph out: what each table and edge is comes from {@link ClosureGraph}.
 */
public final class ClosurePage {

    /** The libraries the page inlines, in load order (versions and licences: picture/vendor/README.md). */
    static final List<String> LIBRARIES = List.of("vendor/cytoscape.min.js", "vendor/cytoscape-dagre.min.js");

    /** Colour of each kind of edge, as the DOT file draws it. */
    static final Map<Kind, String> COLOURS = Map.of(Kind.DELETE, "#333333", Kind.CYCLE, "#7b3294",
            Kind.SET_NULL, "#2166ac", Kind.SKIPPED, "#999999", Kind.EXCLUDED, "#999999", Kind.IGNORED, "#999999");

    /** How the legend draws each kind's line (CSS border style). */
    private static final Map<Kind, String> LINES = Map.of(Kind.DELETE, "solid", Kind.CYCLE, "solid",
            Kind.SET_NULL, "dashed", Kind.SKIPPED, "dotted", Kind.EXCLUDED, "dotted", Kind.IGNORED, "dashed");

    /** A library's pointer to its source map, which is not shipped: the page must refer to no other file. */
    private static final Pattern SOURCE_MAP = Pattern.compile("(?m)^//# sourceMappingURL=.*$");

    private static final Pattern SCRIPT_END = Pattern.compile("(?i)</(script)");

    private ClosurePage() {
    }

    public static String html(ClosureGraph g) {
        StringBuilder h = new StringBuilder();
        String title = "declutter plan of job " + g.job();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n").append(Resources.text(ClosurePage.class, "plan-page.css"))
                .append("</style>\n</head>\n<body>\n<header>\n<h1>").append(esc("Job " + g.job() + ": purge " + g.root()
                        + g.selection()
                        + " and every row that references them"))
                .append("</h1>\n<p id=\"summary\">").append(esc(summary(g))).append("</p>\n");
        h.append("<div id=\"toolbar\"><form id=\"search-form\"><input id=\"search\" type=\"search\""
                + " list=\"table-names\" placeholder=\"find a table\" aria-label=\"find a table\">"
                + "<button id=\"find\" type=\"submit\">Find</button></form>"
                + "<button id=\"collapse-all\" type=\"button\">Collapse all</button>"
                + "<button id=\"expand-all\" type=\"button\">Expand all</button>"
                + "<button id=\"fit\" type=\"button\">Fit</button><span id=\"search-result\"></span></div>\n");
        h.append("</header>\n<main>\n<div id=\"graph\"></div>\n<aside>\n");
        h.append("<h2>Selected</h2>\n<div id=\"selection\"></div>\n");
        h.append("<h2>Edges</h2>\n<ul id=\"legend\">\n");
        for (Kind k : Kind.values()) {
            h.append("<li><span class=\"line\" style=\"border-top-style:").append(LINES.get(k))
                    .append(";border-top-color:").append(COLOURS.get(k)).append("\"></span><span><b>")
                    .append(esc(k.label())).append("</b>: ").append(esc(k.meaning())).append("</span></li>\n");
        }
        h.append("<li><span class=\"line\" style=\"border-top-style:dashed;border-top-color:#333333\"></span><span>"
                + "<b>logical</b>: a reference the job declares and the database does not enforce</span></li>\n");
        h.append("<li><span class=\"line\" style=\"border-top-style:double;border-top-color:#555555\"></span><span>"
                + "<b>double border</b>: a collapsed table (double-click it to expand)</span></li>\n");
        h.append("</ul>\n");
        h.append("<h2>Pre-flight findings</h2>\n");
        if (g.findings().isEmpty()) {
            h.append("<p id=\"findings\">none: no unindexed foreign keys, blocking edges, triggers or cycles.</p>\n");
        } else {
            h.append("<ol id=\"findings\">\n");
            for (Mark m : g.findings()) {
                String sev = m.severity().name().toLowerCase(Locale.ROOT);
                h.append("<li data-finding=\"").append(m.id()).append("\" class=\"").append(sev).append("\">")
                        .append("<span class=\"sev\">").append(m.severity()).append("</span> F").append(m.id())
                        .append(' ').append(esc(m.kind())).append(' ').append(esc(m.subject())).append(": ")
                        .append(esc(m.message()));
                if (m.nodes().isEmpty() && m.links().isEmpty()) {
                    h.append(" <span class=\"unplaced\">(on no table of the picture)</span>");
                }
                h.append("</li>\n");
            }
            h.append("</ol>\n");
        }
        h.append("<details><summary>Tables (").append(g.nodes().size()).append(")</summary>\n<ul id=\"tables\">\n");
        for (Node n : g.nodes()) {
            h.append("<li data-table=\"").append(esc(n.id())).append("\">").append(esc(n.id())).append(" (~")
                    .append(n.estimatedRows()).append(" rows").append(n.role() == Role.KEPT ? ", rows stay"
                            : n.role() == Role.ROOT ? ", root" : "").append(")</li>\n");
        }
        h.append("</ul>\n</details>\n</aside>\n</main>\n<datalist id=\"table-names\">");
        g.nodes().forEach(n -> h.append("<option value=\"").append(esc(n.id())).append("\">"));
        h.append("</datalist>\n");
        for (String library : LIBRARIES) {
            String code = SOURCE_MAP.matcher(Resources.text(ClosurePage.class, library)).replaceAll("");
            h.append("<script>\n").append(scriptSafe(code)).append("\n</script>\n");
        }
        h.append("<script type=\"application/json\" id=\"plan-data\">").append(json(g)).append("</script>\n");
        h.append("<script>\n").append(scriptSafe(Resources.text(ClosurePage.class, "plan-page.js")))
                .append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String summary(ClosureGraph g) {
        long kept = g.nodes().size() - g.purgedTables();
        long blocking = g.findings().stream().filter(m -> m.severity() == io.declutter.model.Finding.Severity.ERROR)
                .count();
        long warnings = g.findings().stream().filter(m -> m.severity() == io.declutter.model.Finding.Severity.WARNING)
                .count();
        return count(g.purgedTables(), "table") + " purged" + (kept == 0 ? "" : ", " + count(kept, "table")
                + " reached whose rows stay") + ", " + count(g.links().size(), "edge") + "; findings: " + blocking
                + " blocking (ERROR), " + count(warnings, "warning") + ", "
                + count(g.findings().size() - blocking - warnings, "note") + ".";
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** What plan-page.js draws, in the graph's order. */
    static String json(ClosureGraph g) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", g.job());
        data.put("root", g.root());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", n.id());
            m.put("table", n.table().name());
            m.put("rows", n.estimatedRows());
            m.put("role", n.role().name().toLowerCase(Locale.ROOT));
            m.put("depth", n.depth());
            m.put("height", n.height());
            m.put("cycle", n.cycleGroup());
            m.put("unit", n.deferredUnit());
            m.put("parent", n.parent().orElse(null));
            m.put("findings", n.findings());
            m.put("severity", severity(g, n.findings()));
            m.put("marks", String.join(", ", n.findings().stream().map(i -> g.findings().get(i - 1))
                    .filter(Mark::marked).map(f -> "F" + f.id() + " " + f.kind()).toList()));
            nodes.add(m);
        }
        data.put("nodes", nodes);
        List<Map<String, Object>> links = new ArrayList<>();
        for (Link l : g.links()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("edge", l.edge());
            m.put("from", l.from());
            m.put("to", l.to());
            m.put("constraint", l.constraint());
            m.put("columns", l.columns());
            m.put("onDelete", l.onDelete());
            m.put("strategy", l.strategy());
            m.put("kind", l.kind().label());
            m.put("logical", l.logical());
            m.put("findings", l.findings());
            m.put("severity", severity(g, l.findings()));
            links.add(m);
        }
        data.put("links", links);
        List<Map<String, Object>> findings = new ArrayList<>();
        for (Mark f : g.findings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            m.put("kind", f.kind());
            m.put("subject", f.subject());
            m.put("message", f.message());
            m.put("nodes", f.nodes());
            m.put("links", f.links());
            findings.add(m);
        }
        data.put("findings", findings);
        List<Map<String, Object>> kinds = new ArrayList<>();
        for (Kind k : Kind.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", k.label());
            m.put("meaning", k.meaning());
            m.put("colour", COLOURS.get(k));
            kinds.add(m);
        }
        data.put("kinds", kinds);
        // '<' only occurs inside JSON strings, where \u003c means the same: no markup can end or open in the script
        try {
            return MAPPER.writeValueAsString(data).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the plan page's data (strings, numbers, lists) did not serialize", e);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String severity(ClosureGraph g, List<Integer> ids) {
        return g.worst(ids).map(s -> s.name().toLowerCase(Locale.ROOT)).orElse(null);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Text that may stand inside a script element: no {@code </script} that would end it. {@code <\/} means the same
     * inside a JavaScript string or regular expression, the only places such text occurs in the inlined code.
     */
    static String scriptSafe(String s) {
        return SCRIPT_END.matcher(s).replaceAll("<\\\\/$1");
    }
}
