package io.declutter.graph;

import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.ForeignKey;
import io.declutter.model.TableName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The cycles of the closure (strongly connected components with more than one table, or a self-reference)
 * and how each is broken: through foreign keys whose columns are nullable, which the purge sets to null on
 * the remaining rows before each batch of parents is deleted (and rollback restores); a self-reference that
 * is not nullable makes its table a tree deleted children first. A cycle across tables that no choice of
 * nullable foreign keys breaks is refused with a finding that names it and says how to resolve it.
 */
public final class Cycles {

    private final Map<TableName, Integer> groupOf = new HashMap<>();
    private final Set<ForeignKey> breaking = new HashSet<>();
    private final Set<TableName> childrenFirst = new HashSet<>();
    private final List<Finding> findings = new ArrayList<>();

    private Cycles() {
    }

    public static Cycles of(List<ForeignKey> edges, Collection<TableName> tables, Predicate<ForeignKey> nullable) {
        Map<TableName, Set<TableName>> successors = new TreeMap<>();
        tables.forEach(t -> successors.put(t, new TreeSet<>()));
        edges.forEach(fk -> successors.get(fk.parent()).add(fk.child()));
        Cycles cycles = new Cycles();
        int group = 0;
        for (SortedSet<TableName> component : StronglyConnectedComponents.of(successors)) {
            List<ForeignKey> inside = edges.stream()
                    .filter(fk -> component.contains(fk.parent()) && component.contains(fk.child())).toList();
            if (inside.isEmpty()) {
                continue;
            }
            group++;
            for (TableName t : component) {
                cycles.groupOf.put(t, group);
            }
            cycles.resolve(component, inside, nullable);
        }
        return cycles;
    }

    /**
     * Chooses the nullable foreign keys to break the component by: all of them if that leaves no cycle, then
     * as few as possible (each is tried unbroken, in name order, and kept broken only if a cycle returns).
     */
    private void resolve(SortedSet<TableName> component, List<ForeignKey> inside, Predicate<ForeignKey> nullable) {
        if (component.size() == 1 && !inside.stream().allMatch(nullable)) {
            // A tree through a NOT NULL self-reference: its rows are deleted children first, nothing detached.
            childrenFirst.add(component.first());
            findings.add(new Finding(Severity.INFO, Kind.CYCLE, component.first().display(), "table "
                    + component.first() + " is a tree through a NOT NULL self-reference ("
                    + inside.stream().map(ForeignKey::name).sorted().collect(Collectors.joining(", "))
                    + "): its backed-up rows are numbered deepest first, so every batch deletes children before"
                    + " their parents."));
            return;
        }
        List<ForeignKey> candidates = inside.stream().filter(nullable)
                .sorted(Comparator.comparing(ForeignKey::name).thenComparing(ForeignKey::child)).toList();
        Set<ForeignKey> chosen = new HashSet<>(candidates);
        if (cyclic(component, inside, chosen)) {
            findings.add(refusal(component, inside, nullable));
            return;
        }
        for (ForeignKey fk : candidates) {
            chosen.remove(fk);
            if (cyclic(component, inside, chosen)) {
                chosen.add(fk);
            }
        }
        breaking.addAll(chosen);
    }

    private static boolean cyclic(SortedSet<TableName> component, List<ForeignKey> inside, Set<ForeignKey> broken) {
        Map<TableName, Set<TableName>> successors = new TreeMap<>();
        component.forEach(t -> successors.put(t, new TreeSet<>()));
        for (ForeignKey fk : inside) {
            if (!broken.contains(fk)) {
                if (fk.selfReference()) {
                    return true;
                }
                successors.get(fk.parent()).add(fk.child());
            }
        }
        return StronglyConnectedComponents.of(successors).stream().anyMatch(c -> c.size() > 1);
    }

    private static Finding refusal(SortedSet<TableName> component, List<ForeignKey> inside,
                                   Predicate<ForeignKey> nullable) {
        if (component.size() == 1) {
            ForeignKey fk = inside.stream().filter(nullable.negate()).min(Comparator.comparing(ForeignKey::name))
                    .orElseThrow();
            return new Finding(Severity.ERROR, Kind.CYCLE, fk.name(), "the self-reference " + fk.display()
                    + " is NOT NULL, so the rows of the tree cannot be detached before their parents are"
                    + " deleted. Make " + String.join(", ", fk.childColumns()) + " nullable, or exclude "
                    + fk.child() + " from the job.");
        }
        String names = component.stream().map(TableName::display).collect(Collectors.joining(", "));
        String fks = inside.stream().map(ForeignKey::name).sorted().collect(Collectors.joining(", "));
        return new Finding(Severity.ERROR, Kind.CYCLE, names, "the tables " + names + " reference each other in a"
                + " cycle (foreign keys " + fks + ") and no choice of nullable foreign keys breaks it, so no delete"
                + " order exists. Resolve it by making one of these foreign keys' columns nullable (declutter then"
                + " sets it to null before deleting and restores it on rollback), or by excluding one of these"
                + " tables from the job (its rows must then be removed or re-pointed beforehand).");
    }

    /** Cycle group of a table, 0 when the table is in no cycle. */
    public int group(TableName table) {
        return groupOf.getOrDefault(table, 0);
    }

    /** Cycle group of an edge: that of its tables when both lie in the same cycle, else 0. */
    public int edgeGroup(ForeignKey fk) {
        int g = group(fk.parent());
        return g != 0 && g == group(fk.child()) ? g : 0;
    }

    /** Tables of NOT NULL self-references, deleted children first (deepest rows of the tree first). */
    public Set<TableName> childrenFirst() {
        return Set.copyOf(childrenFirst);
    }

    public Set<ForeignKey> breaking() {
        return Set.copyOf(breaking);
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }
}
