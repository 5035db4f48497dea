package io.declutter.runner.picture;

import io.declutter.model.Finding.Severity;
import io.declutter.plan.ClosureGraph;
import io.declutter.plan.ClosureGraph.Kind;
import io.declutter.plan.ClosureGraph.Link;
import io.declutter.plan.ClosureGraph.Mark;
import io.declutter.plan.ClosureGraph.Node;
import io.declutter.plan.ClosureGraph.Role;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The closure graph as Graphviz DOT (docs/plan-picture.md#dot): {@code dot -Tsvg plan.dot > plan.svg}. Only lays
 * the graph out: what each table and edge is comes from {@link ClosureGraph}. The same graph gives the same bytes.
 */
public final class ClosureDot {

    /** Line style and colour of each kind of edge; the HTML page's legend uses the same colours. */
    static final Map<Kind, String> EDGE_STYLE = Map.of(
            Kind.DELETE, "color=\"#333333\"",
            Kind.CYCLE, "color=\"#7b3294\", penwidth=2",
            Kind.SET_NULL, "color=\"#2166ac\", style=dashed",
            Kind.SKIPPED, "color=\"#999999\", style=dotted",
            Kind.EXCLUDED, "color=\"#999999\", style=dotted, arrowhead=tee",
            Kind.IGNORED, "color=\"#999999\", style=dashed, arrowhead=odot");

    private ClosureDot() {
    }

    public static String dot(ClosureGraph g) {
        StringBuilder d = new StringBuilder();
        d.append("// declutter plan: the closure of job ").append(g.job()).append(" (docs/plan-picture.md)\n")
                .append("// draw it with Graphviz: dot -Tsvg FILE.dot -o FILE.svg\n");
        for (Mark m : g.findings()) {
            d.append("// ").append(m.severity()).append(" F").append(m.id()).append(' ').append(m.kind()).append(' ')
                    .append(oneLine(m.subject())).append(": ").append(oneLine(m.message())).append('\n');
        }
        d.append("digraph ").append(id(g.job())).append(" {\n");
        d.append("  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=")
                .append(id("job " + g.job() + ": purge " + g.root() + g.selection()
                        + " and every row that references them; "
                        + g.purgedTables() + " tables purged"))
                .append("];\n");
        d.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\","
                + " fontsize=11];\n");
        d.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (Node n : g.nodes()) {
            d.append("  ").append(id(n.id())).append(" [label=").append(id(nodeLabel(g, n)));
            switch (n.role()) {
                case ROOT -> d.append(", penwidth=2, fillcolor=\"#fde0c5\"");
                case KEPT -> d.append(", style=\"rounded,dashed\", fontcolor=\"#666666\"");
                default -> { }
            }
            severity(g, n.findings()).ifPresent(s -> d.append(", color=").append(id(colour(s))).append(", penwidth=3"));
            tooltip(g, n.findings()).ifPresent(t -> d.append(", tooltip=").append(id(t)));
            d.append("];\n");
        }
        for (Link l : g.links()) {
            d.append("  ").append(id(l.from())).append(" -> ").append(id(l.to())).append(" [id=").append(id(l.id()))
                    .append(", label=").append(id(linkLabel(g, l))).append(", ").append(EDGE_STYLE.get(l.kind()));
            if (l.logical() && (l.kind() == Kind.DELETE || l.kind() == Kind.CYCLE)) {
                d.append(", style=dashed");
            }
            severity(g, l.findings()).ifPresent(s -> d.append(", fontcolor=").append(id(colour(s))));
            tooltip(g, l.findings()).ifPresent(t -> d.append(", tooltip=").append(id(t)));
            d.append("];\n");
        }
        d.append("}\n");
        return d.toString();
    }

    private static String nodeLabel(ClosureGraph g, Node n) {
        StringBuilder s = new StringBuilder(n.id()).append("\n~").append(n.estimatedRows()).append(" rows");
        if (n.role() == Role.ROOT) {
            s.append(", root");
        } else if (n.role() == Role.KEPT) {
            s.append(", rows stay");
        }
        if (n.cycleGroup() > 0) {
            s.append("\ncycle ").append(n.cycleGroup()).append(n.deferredUnit() > 0 ? " (deferred unit "
                    + n.deferredUnit() + ")" : "");
        }
        marks(g, n.findings()).forEach(m -> s.append('\n').append(m));
        return s.toString();
    }

    private static String linkLabel(ClosureGraph g, Link l) {
        StringBuilder s = new StringBuilder(l.constraint()).append("\n").append(l.onDelete()).append(": ")
                .append(l.strategy());
        if (l.kind() == Kind.SKIPPED || l.kind() == Kind.EXCLUDED) {
            s.append(" (").append(l.kind().label()).append(')');
        }
        marks(g, l.findings()).forEach(m -> s.append('\n').append(m));
        return s.toString();
    }

    /** The marked findings, one line each: {@code WARNING F3 unindexed foreign key}. */
    private static List<String> marks(ClosureGraph g, List<Integer> ids) {
        return ids.stream().map(i -> g.findings().get(i - 1)).filter(Mark::marked)
                .map(m -> m.severity() + " F" + m.id() + " " + m.kind()).toList();
    }

    private static Optional<Severity> severity(ClosureGraph g, List<Integer> ids) {
        return g.worst(ids);
    }

    private static Optional<String> tooltip(ClosureGraph g, List<Integer> ids) {
        List<String> lines = ids.stream().map(i -> g.findings().get(i - 1)).filter(Mark::marked)
                .map(m -> m.severity() + " F" + m.id() + ": " + oneLine(m.message())).toList();
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", lines));
    }

    static String colour(Severity s) {
        return s == Severity.ERROR ? "#d7191c" : "#f0a000";
    }

    /** A DOT double-quoted ID: backslash and quote escaped, line breaks as DOT's centred {@code \n}. */
    static String id(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "\\n") + "\"";
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
