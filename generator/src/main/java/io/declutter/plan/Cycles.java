package io.declutter.plan;

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
 * is not nullable makes its table a tree deleted children first. A cycle across tables that nullable foreign
 * keys cannot break is broken through DEFERRABLE ones, as few as needed: their constraints are deferred inside
 * each delete batch, which removes a connected set of rows of the cycle's tables (a <em>deferred unit</em>) in
 * one transaction. A cycle that neither breaks is refused with a finding that names it and says how to resolve it.
 */
public final class Cycles {

    private final Map<TableName, Integer> groupOf = new HashMap<>();
    private final Set<ForeignKey> breaking = new HashSet<>();
    private final Set<ForeignKey> deferred = new HashSet<>();
    private final Map<TableName, Integer> unitOf = new HashMap<>();
    private final Set<TableName> childrenFirst = new HashSet<>();
    private final List<Finding> findings = new ArrayList<>();

    private Cycles() {
    }

    public static Cycles of(List<ForeignKey> edges, Collection<TableName> tables, Predicate<ForeignKey> nullable) {
        return of(edges, tables, nullable, fk -> false);
    }

    /**
     * @param nullable   foreign keys whose columns may be set to null (preferred breaks)
     * @param deferrable foreign keys whose constraint is DEFERRABLE (breaks used only where nullable ones cannot do)
     */
    public static Cycles of(List<ForeignKey> edges, Collection<TableName> tables, Predicate<ForeignKey> nullable,
                            Predicate<ForeignKey> deferrable) {
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
            cycles.resolve(component, inside, nullable, deferrable);
        }
        return cycles;
    }

    /**
     * Chooses the foreign keys to break the component by. Nullable ones when they suffice: all of them if that
     * leaves no cycle, then as few as possible (each is tried unbroken, in name order, and kept broken only if a
     * cycle returns). Otherwise nullable and DEFERRABLE NOT NULL ones together, pruned the same way, deferrable ones
     * first, so that a deferrable key is kept only where no nullable key can take its place.
     */
    private void resolve(SortedSet<TableName> component, List<ForeignKey> inside, Predicate<ForeignKey> nullable,
                         Predicate<ForeignKey> deferrable) {
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
        Comparator<ForeignKey> byName = Comparator.comparing(ForeignKey::name).thenComparing(ForeignKey::child)
                .thenComparing(ForeignKey::parent).thenComparing(fk -> String.join(",", fk.childColumns()));
        List<ForeignKey> nullables = inside.stream().filter(nullable).sorted(byName).toList();
        List<ForeignKey> deferrables = inside.stream().filter(nullable.negate()).filter(deferrable).sorted(byName)
                .toList();
        Set<ForeignKey> chosen = new HashSet<>(nullables);
        if (cyclic(component, inside, chosen)) {
            chosen.addAll(deferrables);
            if (cyclic(component, inside, chosen)) {
                findings.add(refusal(component, inside, nullable, deferrable));
                return;
            }
        }
        List<ForeignKey> candidates = new ArrayList<>(deferrables);
        candidates.addAll(nullables);
        for (ForeignKey fk : candidates) {
            if (chosen.remove(fk) && cyclic(component, inside, chosen)) {
                chosen.add(fk);
            }
        }
        breaking.addAll(chosen);
        List<ForeignKey> deferredHere = chosen.stream().filter(nullable.negate()).sorted(byName).toList();
        if (deferredHere.isEmpty()) {
            return;
        }
        deferred.addAll(deferredHere);
        // The deferred units: strongly connected sets of tables once only the nullable breaks are taken away.
        Map<TableName, Set<TableName>> successors = new TreeMap<>();
        component.forEach(t -> successors.put(t, new TreeSet<>()));
        inside.stream().filter(fk -> !chosen.contains(fk) || deferredHere.contains(fk))
                .forEach(fk -> successors.get(fk.parent()).add(fk.child()));
        for (SortedSet<TableName> unit : StronglyConnectedComponents.of(successors)) {
            List<ForeignKey> unitDeferred = deferredHere.stream()
                    .filter(fk -> unit.contains(fk.parent()) && unit.contains(fk.child())).toList();
            if (unitDeferred.isEmpty()) {
                continue;
            }
            int id = unitOf.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            unit.forEach(t -> unitOf.put(t, id));
            String names = unit.stream().map(TableName::display).collect(Collectors.joining(", "));
            findings.add(new Finding(Severity.INFO, Kind.CYCLE, names, "the tables " + names + " reference each"
                    + " other in a cycle that no nullable foreign key breaks; it is broken by deferring "
                    + unitDeferred.stream().map(fk -> fk.name() + " (" + fk.display() + ")")
                    .collect(Collectors.joining(", "))
                    + ": each delete batch of these tables takes the next backed-up rows with every purged row"
                    + " of the cycle connected to them, and deletes them in one transaction with the constraint"
                    + " deferred (SET CONSTRAINTS ... DEFERRED); rollback restores them in one transaction too."));
        }
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
                                   Predicate<ForeignKey> nullable, Predicate<ForeignKey> deferrable) {
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
        String stuck = inside.stream().filter(nullable.negate()).filter(deferrable.negate())
                .filter(ForeignKey::selfReference).map(ForeignKey::name).sorted().collect(Collectors.joining(", "));
        return new Finding(Severity.ERROR, Kind.CYCLE, names, "the tables " + names + " reference each other in a"
                + " cycle (foreign keys " + fks + ") and no choice of nullable or DEFERRABLE foreign keys breaks it,"
                + " so no delete order exists."
                + (stuck.isEmpty() ? "" : " (The NOT NULL self-reference " + stuck + " inside the cycle must be"
                + " nullable or DEFERRABLE as well.)")
                + " Resolve it by making one of these foreign keys' columns nullable (declutter then sets it to"
                + " null before deleting and restores it on rollback), or by making one of these foreign keys"
                + " DEFERRABLE with ON DELETE NO ACTION (declutter then defers it inside each delete batch), or by"
                + " excluding one of these"
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

    /** Deferred unit of a table (1-based), 0 when the table is in none. */
    public int unit(TableName table) {
        return unitOf.getOrDefault(table, 0);
    }

    /** The breaking foreign keys that are NOT NULL and DEFERRABLE: deferred inside each batch, never detached. */
    public Set<ForeignKey> deferred() {
        return Set.copyOf(deferred);
    }

    /** Every foreign key a cycle is broken by: the nullable ones (detached) and the deferred ones. */
    public Set<ForeignKey> breaking() {
        return Set.copyOf(breaking);
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }
}
