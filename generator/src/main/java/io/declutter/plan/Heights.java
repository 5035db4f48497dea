package io.declutter.plan;

import io.declutter.model.ForeignKey;
import io.declutter.model.TableName;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Height of every closure table: 0 for a table nothing in the closure depends on, else one more than the
 * highest table whose rows must be deleted before its own. Edges that break a cycle impose no order.
 * Computed on the condensation, so tables of an unresolved cycle share a height instead of looping.
 */
public final class Heights {

    private Heights() {
    }

    public static Map<TableName, Integer> of(Collection<TableName> tables, List<ForeignKey> edges, Set<ForeignKey> breaking) {
        Map<TableName, Set<TableName>> successors = new TreeMap<>();
        tables.forEach(t -> successors.put(t, new TreeSet<>()));
        edges.stream().filter(fk -> !breaking.contains(fk)).forEach(fk -> successors.get(fk.parent()).add(fk.child()));

        Map<TableName, SortedSet<TableName>> componentOf = new HashMap<>();
        StronglyConnectedComponents.of(successors).forEach(c -> c.forEach(t -> componentOf.put(t, c)));

        Map<SortedSet<TableName>, Integer> memo = new HashMap<>();
        Map<TableName, Integer> heights = new TreeMap<>();
        for (TableName t : successors.keySet()) {
            heights.put(t, height(componentOf.get(t), successors, componentOf, memo));
        }
        return heights;
    }

    private static int height(SortedSet<TableName> component, Map<TableName, Set<TableName>> successors,
                              Map<TableName, SortedSet<TableName>> componentOf, Map<SortedSet<TableName>, Integer> memo) {
        Integer known = memo.get(component);
        if (known != null) {
            return known;
        }
        int h = 0;
        for (TableName t : component) {
            for (TableName child : successors.get(t)) {
                SortedSet<TableName> next = componentOf.get(child);
                if (next != component) {
                    h = Math.max(h, 1 + height(next, successors, componentOf, memo));
                }
            }
        }
        memo.put(component, h);
        return h;
    }
}
