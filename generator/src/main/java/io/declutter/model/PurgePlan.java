package io.declutter.model;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything generation needs for one job: the control rows (edges) and the closure tables.
 *
 * @param edges   control rows, by id (id order is breadth-first from the root)
 * @param tables  closure tables in delete order: leaves first (ascending height), root last
 * @param nullified  ON DELETE SET NULL / SET DEFAULT edges from closure tables, by edge id
 */
public record PurgePlan(Job job, List<Edge> edges, List<PurgeTable> tables, List<NullifiedEdge> nullified,
                        List<Finding> findings) {

    public PurgePlan {
        Objects.requireNonNull(job, "job");
        edges = edges.stream().sorted(Comparator.comparingInt(Edge::id)).toList();
        tables = List.copyOf(tables);
        nullified = nullified.stream().sorted(Comparator.comparingInt(n -> n.edge().id())).toList();
        findings = List.copyOf(findings);
    }

    public Optional<PurgeTable> table(TableName name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<Finding> errors() {
        return findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).toList();
    }

    /**
     * Every enabled trigger and rule on a purged table that fires on DELETE, in delete order of their tables and by
     * name, with the tables it writes outside the closure and whether the job disables it.
     */
    public List<DeleteTrigger> deleteTriggers() {
        java.util.Set<TableName> closure = new java.util.HashSet<>();
        tables.forEach(t -> closure.add(t.name()));
        List<DeleteTrigger> result = new java.util.ArrayList<>();
        for (PurgeTable t : tables) {
            for (Trigger tr : t.table().triggers()) {
                if (tr.firesOnDelete()) {
                    result.add(new DeleteTrigger(t.name(), tr, tr.writes().tables().stream()
                            .filter(w -> !closure.contains(w)).toList(), job.disables(t.name(), tr.name())));
                }
            }
        }
        return result;
    }

    /** Edges whose rows are cached and deleted (not skipped). */
    public List<Edge> followedEdges() {
        return edges.stream().filter(e -> e.strategy() == Strategy.DELETE).toList();
    }
}
