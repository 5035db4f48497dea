package io.declutter.render;

import java.util.List;

/**
 * A unit of the cache phase: one edge, or all edges of a cycle group repeated until no new rows appear.
 */
public record CacheUnitView(List<CacheStepView> steps, boolean fixpoint, int cycleGroup) {

    public CacheUnitView {
        steps = List.copyOf(steps);
    }

    public CacheStepView first() {
        return steps.get(0);
    }
}
