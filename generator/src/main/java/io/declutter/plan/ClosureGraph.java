package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Severity;
import io.declutter.model.ForeignKey;
import io.declutter.model.LogicalReference;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import io.declutter.model.Table;
import io.declutter.model.TableName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A job's closure as a picture sees it (docs/plan-picture.md): the tables the plan reaches, each with its estimated
 * rows and whether its rows are purged or stay, and every edge the plan decided on, with the foreign key, its ON
 * DELETE action and what the purge does with it; the pre-flight findings placed on the tables and edges they are
 * about. Built once from the plan, so that the DOT file and the HTML page only lay it out. Deterministic: nodes by
 * name, links by control-table id (ignored logical references after them, by name), findings in the plan's order.
 *
 * @param condition the root predicate, or empty when keys are given per run or the root is of orphans or duplicates
 * @param selection how the root rows are chosen, in words after the root table's name: " WHERE ...", " (keys given
 *                  per run)", ": orphans of ..." or ": duplicates by ..." (docs/design.md#orphan-roots,
 *                  docs/design.md#duplicate-roots)
 */
public record ClosureGraph(String job, String root, Optional<String> condition, String selection, List<Node> nodes,
                           List<Link> links, List<Mark> findings) {

    /** What happens to a table's rows. */
    public enum Role {
        /** The root table: its selected rows are purged. */
        ROOT,
        /** Backed up and deleted where they reference purged rows. */
        PURGED,
        /** Reached by an edge the purge does not follow (excluded, skipped, set null, ignored): its rows stay. */
        KEPT
    }

    /** What the purge does with an edge; the legend of a picture lists these. */
    public enum Kind {
        DELETE("delete", "child rows backed up and deleted"),
        CYCLE("cycle unit", "delete inside a cycle: the edge is detached (set to null first) or deferred"),
        SET_NULL("set null", "ON DELETE SET NULL / SET DEFAULT: rows stay, old values recorded for rollback"),
        SKIPPED("skipped", "skipped by the job's 'edges' override: the child rows must stay"),
        EXCLUDED("excluded", "into an excluded table: nothing is cached or deleted through it"),
        IGNORED("ignored", "logical reference the job ignores: its rows stay, referencing nothing");

        private final String label;
        private final String meaning;

        Kind(String label, String meaning) {
            this.label = label;
            this.meaning = meaning;
        }

        public String label() {
            return label;
        }

        public String meaning() {
            return meaning;
        }
    }

    /**
     * A table.
     *
     * @param id       the table's display name ({@code schema.table}), unique in the graph
     * @param parent   the table it hangs under in the closure tree (where the walk first reached it), empty for the
     *                 root: collapsing a table hides the tables hanging under it
     * @param findings ids of the findings about the table
     */
    public record Node(String id, TableName table, long estimatedRows, Role role, int depth, int height,
                       int cycleGroup, int deferredUnit, Optional<String> parent, List<Integer> findings) {

        public Node {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(parent, "parent");
            findings = List.copyOf(findings);
        }
    }

    /**
     * An edge from a parent table to the child table whose rows reference it.
     *
     * @param id        {@code e<control-table id>}, or {@code ignored:<name>} for an ignored logical reference
     * @param edge      the control table's id, 0 for an ignored logical reference (which has no control row)
     * @param onDelete  the key's ON DELETE action as SQL spells it, or {@code logical} for a logical reference
     * @param strategy  what the control table says the purge does, with how a cycle edge is broken
     */
    public record Link(String id, int edge, String from, String to, String constraint, List<String> columns,
                       String onDelete, String strategy, Kind kind, boolean logical, List<Integer> findings) {

        public Link {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(constraint, "constraint");
            Objects.requireNonNull(onDelete, "onDelete");
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(kind, "kind");
            columns = List.copyOf(columns);
            findings = List.copyOf(findings);
        }
    }

    /**
     * A pre-flight finding and where it lies on the picture (neither, for one about no table or edge of it).
     *
     * @param id 1-based, in the plan's order
     */
    public record Mark(int id, Severity severity, String kind, String subject, String message, List<String> nodes,
                       List<String> links) {

        public Mark {
            Objects.requireNonNull(severity, "severity");
            nodes = List.copyOf(nodes);
            links = List.copyOf(links);
        }

        /** Blocking (ERROR) and warning findings are marked on the picture; INFO ones are only listed. */
        public boolean marked() {
            return severity != Severity.INFO;
        }
    }

    public ClosureGraph {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(condition, "condition");
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        findings = List.copyOf(findings);
    }

    /** The most severe of the marked findings among {@code ids}, if any. */
    public Optional<Severity> worst(List<Integer> ids) {
        return ids.stream().map(i -> findings.get(i - 1)).filter(Mark::marked).map(Mark::severity)
                .max(Comparator.naturalOrder());
    }

    /** Tables whose rows the job purges (the root included). */
    public long purgedTables() {
        return nodes.stream().filter(n -> n.role() != Role.KEPT).count();
    }

    /**
     * The graph of {@code plan}.
     *
     * @param catalog the catalog the plan was built from (for the tables outside the closure and their estimates)
     */
    public static ClosureGraph of(PurgePlan plan, Catalog catalog) {
        Map<TableName, PurgeTable> purged = new TreeMap<>();
        plan.tables().forEach(t -> purged.put(t.name(), t));
        Map<TableName, Integer> depth = new TreeMap<>();
        Map<TableName, TableName> parent = new TreeMap<>();
        depth.put(plan.job().root(), 0);
        // Purged tables hang under the parent of their primary edge, kept ones under the first edge reaching them.
        plan.edges().stream().filter(e -> !e.root() && e.primary()).forEach(e -> reach(e.parent(), e.child(), depth,
                parent));
        List<Draft> drafts = new ArrayList<>();
        for (Edge e : plan.edges()) {
            if (e.root()) {
                continue;
            }
            ForeignKey fk = e.foreignKey().orElseThrow();
            reach(e.parent(), e.child(), depth, parent);
            boolean repoint = plan.nullified().stream().anyMatch(n -> n.edge().id() == e.id() && n.repoint());
            String strategy = repoint ? "repoint"
                    : e.strategy() == Strategy.SET_NULL ? fk.onDelete().sql().toLowerCase(java.util.Locale.ROOT)
                    : e.strategy().sql() + (e.breaksCycle() ? " (detach)" : e.deferred() ? " (defer)" : "");
            drafts.add(new Draft("e" + e.id(), e.id(), e.parent(), e.child(), fk, strategy, kind(plan, e)));
        }
        for (LogicalReference r : plan.job().references()) {
            if (r.action() != LogicalReference.Action.IGNORE) {
                continue;
            }
            ForeignKey fk = LogicalReferences.toForeignKey(catalog, r);
            if (!purged.containsKey(fk.parent())) {
                continue; // nothing is purged that its rows reference: the finding says so
            }
            reach(fk.parent(), fk.child(), depth, parent);
            drafts.add(new Draft("ignored:" + r.name(), 0, fk.parent(), fk.child(), fk, "ignore", Kind.IGNORED));
        }

        Map<TableName, Long> estimates = new TreeMap<>();
        depth.keySet().forEach(t -> estimates.put(t, Optional.ofNullable(purged.get(t)).map(PurgeTable::table)
                .or(() -> catalog.table(t)).map(Table::rowEstimate).orElse(0L)));
        List<Mark> marks = new ArrayList<>();
        Map<String, List<Integer>> marksOf = new TreeMap<>();
        int n = 1;
        for (Finding f : plan.findings()) {
            List<String> nodes = new ArrayList<>();
            List<String> links = new ArrayList<>();
            place(f, depth.keySet(), drafts, nodes, links);
            for (String where : nodes) {
                marksOf.computeIfAbsent("n:" + where, k -> new ArrayList<>()).add(n);
            }
            for (String where : links) {
                marksOf.computeIfAbsent("l:" + where, k -> new ArrayList<>()).add(n);
            }
            marks.add(new Mark(n++, f.severity(), f.kind().label(), f.subject(), f.message(), nodes, links));
        }

        List<Node> nodes = new ArrayList<>();
        for (TableName t : depth.keySet()) {
            PurgeTable p = purged.get(t);
            Role role = t.equals(plan.job().root()) ? Role.ROOT : p != null ? Role.PURGED : Role.KEPT;
            nodes.add(new Node(t.display(), t, estimates.get(t), role, depth.get(t), p == null ? 0 : p.height(),
                    p == null ? 0 : p.cycleGroup(), p == null ? 0 : p.deferredUnit(),
                    Optional.ofNullable(parent.get(t)).map(TableName::display),
                    marksOf.getOrDefault("n:" + t.display(), List.of())));
        }
        List<Link> links = drafts.stream().map(d -> new Link(d.id(), d.edge(), d.from().display(), d.to().display(),
                d.fk().name(), d.fk().childColumns(), d.fk().logical() ? "logical" : d.fk().onDelete().sql(),
                d.strategy(), d.kind(), d.fk().logical(), marksOf.getOrDefault("l:" + d.id(), List.of()))).toList();
        return new ClosureGraph(plan.job().name(), plan.job().root().display(), plan.job().rootPredicate(),
                plan.job().keysAtRunTime() ? " (keys given per run)" : plan.job().rows().describe(), nodes,
                links, marks);
    }

    private record Draft(String id, int edge, TableName from, TableName to, ForeignKey fk, String strategy, Kind kind) {
    }

    /** The first edge reaching a table hangs it under the edge's parent (edges come breadth first, by id). */
    private static void reach(TableName from, TableName to, Map<TableName, Integer> depth,
                              Map<TableName, TableName> parent) {
        if (!depth.containsKey(to)) {
            depth.put(to, depth.get(from) + 1);
            parent.put(to, from);
        }
    }

    private static Kind kind(PurgePlan plan, Edge e) {
        return switch (e.strategy()) {
            case DELETE -> e.cycleGroup() > 0 ? Kind.CYCLE : Kind.DELETE;
            case SET_NULL -> Kind.SET_NULL;
            case SKIP -> plan.job().excludedTables().contains(e.child()) ? Kind.EXCLUDED : Kind.SKIPPED;
        };
    }

    /**
     * Where a finding lies. The plan's findings name their subject by the shapes {@code PlanBuilder} gives them: the
     * foreign key itself, a table's display name, a constraint or reference name with the key's display form in the
     * message, a trigger as {@code table.trigger}, or a cycle's tables joined by commas.
     */
    private static void place(Finding f, Set<TableName> tables, List<Draft> drafts, List<String> nodes,
                              List<String> links) {
        Set<String> names = new LinkedHashSet<>();
        tables.forEach(t -> names.add(t.display()));
        if (f.foreignKey().isPresent()) {
            ForeignKey fk = f.foreignKey().get();
            drafts.stream().filter(d -> sameKey(d.fk(), fk)).forEach(d -> links.add(d.id()));
            return;
        }
        String subject = f.subject();
        if (names.contains(subject)) {
            nodes.add(subject);
            return;
        }
        drafts.stream().filter(d -> d.fk().name().equals(subject) && f.message().contains(d.fk().display()))
                .forEach(d -> links.add(d.id()));
        if (!links.isEmpty()) {
            return;
        }
        int dot = subject.lastIndexOf('.');
        if (dot > 0 && names.contains(subject.substring(0, dot))) {
            nodes.add(subject.substring(0, dot)); // a trigger: schema.table.trigger
            return;
        }
        List<String> parts = List.of(subject.split(", "));
        if (parts.size() > 1 && names.containsAll(parts)) {
            nodes.addAll(parts); // the tables of a cycle
        }
    }

    private static boolean sameKey(ForeignKey a, ForeignKey b) {
        return a.name().equals(b.name()) && a.child().equals(b.child()) && a.parent().equals(b.parent())
                && a.declaringTable().equals(b.declaringTable());
    }
}
