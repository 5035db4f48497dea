package io.declutter.render;

import java.util.List;

/**
 * A unit of the cache phase: one edge, or all edges of a cycle group repeated until no new rows appear.
 * {@code tree}: the children-first table of the group, renumbered deepest first once cached (else null).
 */
public record CacheUnitView(List<CacheStepView> steps, boolean fixpoint, int cycleGroup, TableView tree) {

    public CacheUnitView {
        steps = List.copyOf(steps);
    }

    public CacheStepView first() {
        return steps.get(0);
    }
}
