package io.declutter.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Tarjan's strongly connected components of a directed graph. Nodes are visited in their natural
 * order, so the result is deterministic; each component is sorted, and the list of components is
 * ordered by its smallest node.
 */
public final class StronglyConnectedComponents<N extends Comparable<N>> {

    private final Map<N, ? extends Collection<N>> successors;
    private final Map<N, Integer> index = new HashMap<>();
    private final Map<N, Integer> lowLink = new HashMap<>();
    private final Deque<N> stack = new ArrayDeque<>();
    private final Set<N> onStack = new HashSet<>();
    private final List<SortedSet<N>> components = new ArrayList<>();
    private int counter;

    private StronglyConnectedComponents(Map<N, ? extends Collection<N>> successors) {
        this.successors = successors;
    }

    /** @param successors every node as a key (possibly with no successors) mapped to the nodes it points to */
    public static <N extends Comparable<N>> List<SortedSet<N>> of(Map<N, ? extends Collection<N>> successors) {
        StronglyConnectedComponents<N> scc = new StronglyConnectedComponents<>(successors);
        new TreeSet<>(successors.keySet()).forEach(n -> {
            if (!scc.index.containsKey(n)) {
                scc.visit(n);
            }
        });
        scc.components.sort(Comparator.comparing(SortedSet::first));
        return scc.components;
    }

    private void visit(N node) {
        index.put(node, counter);
        lowLink.put(node, counter);
        counter++;
        stack.push(node);
        onStack.add(node);
        Collection<N> targets = successors.get(node);
        for (N next : targets == null ? new TreeSet<N>() : new TreeSet<>(targets)) {
            if (!index.containsKey(next)) {
                visit(next);
                lowLink.put(node, Math.min(lowLink.get(node), lowLink.get(next)));
            } else if (onStack.contains(next)) {
                lowLink.put(node, Math.min(lowLink.get(node), index.get(next)));
            }
        }
        if (lowLink.get(node).equals(index.get(node))) {
            SortedSet<N> component = new TreeSet<>();
            N member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }
}
