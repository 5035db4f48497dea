package io.declutter.runner.purge;

import io.declutter.dialect.Dialect;
import io.declutter.model.Catalog;
import io.declutter.model.DeleteTrigger;
import io.declutter.model.Edge;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.ForeignKey;
import io.declutter.model.PurgePlan;
import io.declutter.model.Strategy;
import io.declutter.model.Table;
import io.declutter.model.TableName;
import io.declutter.model.Trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The plan as a DBA reads it: the control table, the DAG as a tree, and the pre-flight findings. */
public final class PlanReport {

    private PlanReport() {
    }

    public static String text(PurgePlan plan, Catalog catalog, Dialect dialect) {
        StringBuilder out = new StringBuilder();
        out.append("Job ").append(plan.job().name()).append(": purge ").append(plan.job().root())
                .append(plan.job().keysAtRunTime() ? " (keys given per run)" : plan.job().rows().describe())
                .append(" and every row that references them.\n")
                .append(plan.tables().size()).append(" tables, ").append(plan.followedEdges().size() - 1)
                .append(" foreign-key edges; batch size ").append(plan.job().batchSize())
                .append(", backup ").append(plan.job().backup() ? "on" : "off").append(".\n\n");
        out.append("Control table (cached root to leaves by descending height, deleted leaves to root):\n");
        out.append(TextTable.render(List.of("edge", "parent", "child table", "via", "on delete", "strategy",
                "depth", "height", "cycle", "est. rows"), rows(plan, catalog)));
        out.append("\nDelete order: ");
        out.append(String.join(", ", plan.tables().stream().map(t -> t.name().display()).toList())).append("\n");
        out.append("\nClosure (each table under the table it is first reached from; * = reached again):\n");
        tree(plan, plan.edges().get(0), "", out, new java.util.HashSet<>());
        out.append("\nPre-flight checks:\n");
        if (plan.findings().isEmpty()) {
            out.append("  none: no unindexed foreign keys, blocking edges, triggers or cycles.\n");
        }
        for (Finding f : plan.findings()) {
            out.append("  ").append(f.severity()).append("  ").append(f.kind().label()).append(" ")
                    .append(f.subject()).append(": ").append(f.message()).append("\n");
        }
        triggers(plan, catalog, dialect, out);
        List<String> ddl = indexDdl(plan, dialect);
        if (!ddl.isEmpty()) {
            out.append("\nIndexes that would make the purge fast (run them outside a transaction):\n");
            ddl.forEach(s -> out.append("  ").append(s).append("\n"));
        }
        return out.toString();
    }

    /**
     * Every trigger and rule on a table the run changes (purged tables, and the children whose keys a SET NULL or
     * SET DEFAULT edge resets), with its events and timing: what the purge fires, and what rollback will not fire.
     */
    private static void triggers(PurgePlan plan, Catalog catalog, Dialect dialect, StringBuilder out) {
        Map<String, Table> tables = new TreeMap<>();
        plan.tables().forEach(t -> tables.put(t.name().display(), t.table()));
        plan.edges().stream().filter(e -> e.strategy() == Strategy.SET_NULL)
                .forEach(e -> catalog.table(e.child()).ifPresent(t -> tables.put(t.name().display(), t)));
        Map<String, DeleteTrigger> onDelete = new TreeMap<>();
        plan.deleteTriggers().forEach(d -> onDelete.put(d.display(), d));
        java.util.Set<TableName> closure = new java.util.HashSet<>();
        plan.tables().forEach(t -> closure.add(t.name()));
        List<List<String>> rows = new ArrayList<>();
        boolean firedByRollback = false;
        for (Table t : tables.values()) {
            for (Trigger tr : t.triggers()) {
                boolean restores = tr.firesOnRestore() && tr.firesOnRollback();
                firedByRollback |= restores;
                DeleteTrigger d = onDelete.get(t.name().display() + "." + tr.name());
                rows.add(List.of(t.name().display(), tr.name(), tr.description(), !tr.enabled() ? "disabled"
                        : d != null && d.disabled() ? "disabled by job" : tr.firesOnDelete() ? "fires" : "-",
                        !tr.enabled() ? "disabled" : restores ? "FIRES" : tr.firesOnRestore() ? "not fired" : "-",
                        d == null ? "" : writes(d, closure)));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        out.append("\nTriggers and rules on the tables a run changes (purge: fired by its deletes and resets;")
                .append(" rollback: fired while it restores rows):\n");
        out.append(TextTable.render(List.of("table", "trigger", "fires on", "purge", "rollback",
                "writes (DELETE triggers on purged tables)"), rows));
        out.append(dialect.rollbackTriggerNote(firedByRollback));
    }

    /** The tables a DELETE trigger writes, each marked inside or outside the closure, and "unknown" when it may write more. */
    private static String writes(DeleteTrigger d, java.util.Set<TableName> closure) {
        List<String> parts = new ArrayList<>();
        d.trigger().writes().tables().forEach(w -> parts.add(w.display() + (closure.contains(w) ? " (purged)"
                : " (OUTSIDE)")));
        if (!d.trigger().writes().known()) {
            parts.add("unknown");
        }
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    private static List<List<String>> rows(PurgePlan plan, Catalog catalog) {
        List<List<String>> rows = new ArrayList<>();
        for (Edge e : plan.edges()) {
            long estimate = catalog.table(e.child()).map(Table::rowEstimate).orElse(0L);
            rows.add(List.of(String.valueOf(e.id()), e.root() ? "-" : e.parentEdgeId().map(String::valueOf).orElse("-")
                            + " " + e.parent().display(), e.child().display(),
                    e.foreignKey().map(fk -> fk.name() + " (" + String.join(", ", fk.childColumns()) + ")"
                            + fk.childPartition().map(p -> " on " + p.display()).orElse("")).orElse("root"),
                    e.foreignKey().map(fk -> fk.logical() ? "logical" : fk.onDelete().sql()).orElse("-"),
                    (repointed(plan, e) ? "repoint" : e.strategy().sql())
                            + (e.breaksCycle() ? " (detach)" : e.deferred() ? " (defer)" : ""),
                    String.valueOf(e.depth()), String.valueOf(e.height()),
                    e.cycleGroup() == 0 ? "-" : String.valueOf(e.cycleGroup()), String.valueOf(estimate)));
        }
        return rows;
    }

    /** An edge whose rows a duplicate job re-points to the kept row (docs/design.md#re-pointing). */
    private static boolean repointed(PurgePlan plan, Edge e) {
        return plan.nullified().stream().anyMatch(n -> n.edge().id() == e.id() && n.repoint());
    }

    private static void tree(PurgePlan plan, Edge edge, String indent, StringBuilder out, java.util.Set<Integer> seen) {
        boolean again = !edge.primary() && edge.strategy() == Strategy.DELETE;
        out.append(indent).append(edge.root() ? "" : "<- ").append(edge.child().display())
                .append(edge.foreignKey().map(fk -> " (" + String.join(", ", fk.childColumns()) + ")").orElse(""))
                .append(edge.foreignKey().filter(ForeignKey::logical).isPresent() ? " [logical reference]" : "")
                .append(edge.strategy() == Strategy.SKIP ? " [excluded]" : "")
                .append(repointed(plan, edge) ? " [repoint: rows stay, re-pointed to the kept row, values recorded]"
                        : edge.strategy() == Strategy.SET_NULL ? " [" + edge.foreignKey().orElseThrow().onDelete().sql()
                        + ": rows stay, values recorded]" : "")
                .append(again ? " *" : "").append("\n");
        if (again || edge.strategy() != Strategy.DELETE || !seen.add(edge.id())) {
            return;
        }
        for (Edge child : plan.edges()) {
            if (!child.root() && child.parent().equals(edge.child()) && child.id() != edge.id()) {
                tree(plan, child, indent + "   ", out, seen);
            }
        }
    }

    /**
     * The dialect's online {@code CREATE INDEX} for each followed foreign key without a supporting index, one per
     * child table and column list (two keys on the same columns need one index), in a stable order.
     */
    public static List<String> indexDdl(PurgePlan plan, Dialect dialect) {
        Map<String, String> ddl = new TreeMap<>();
        for (Finding f : plan.findings()) {
            if (f.kind() == Kind.UNINDEXED_FK) {
                ForeignKey fk = f.foreignKey().orElseThrow(() -> new IllegalStateException(
                        "unindexed foreign key finding without its key: " + f.subject()));
                ddl.put(fk.declaringTable().display() + '\0' + String.join("\0", fk.childColumns()),
                        dialect.createIndexStatement(fk.declaringTable(), fk.childColumns()));
            }
        }
        return List.copyOf(ddl.values());
    }
}
