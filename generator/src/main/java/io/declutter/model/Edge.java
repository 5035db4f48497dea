package io.declutter.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One row of the control table: a foreign key the purge follows from a parent table to a child table.
 * Edge 1 is the root itself (no constraint, no parent edge).
 *
 * @param parentEdgeId  the primary edge of the parent table (the path the closure first reached it by)
 * @param depth         distance from the root along primary edges
 * @param height        height of the child table: 0 for a leaf, else 1 + the highest child it must wait for
 * @param cycleGroup    1-based id of the strongly connected component the edge lies in, 0 when it is in no cycle
 * @param breaksCycle   a nullable self or cycle edge whose column is set to null before its parents are deleted
 * @param primary       the first edge reaching the child table; it carries the table's delete progress
 * @param deferred      a NOT NULL, DEFERRABLE cycle edge that breaks its cycle by being deferred inside each delete
 *                      batch (never detached); its tables form a deferred unit (see {@link PurgeTable#deferredUnit})
 */
public record Edge(
        int id,
        Optional<Integer> parentEdgeId,
        Optional<ForeignKey> foreignKey,
        TableName parent,
        TableName child,
        Strategy strategy,
        int depth,
        int height,
        int cycleGroup,
        boolean breaksCycle,
        boolean primary,
        boolean deferred) {

    public Edge(int id, Optional<Integer> parentEdgeId, Optional<ForeignKey> foreignKey, TableName parent,
                TableName child, Strategy strategy, int depth, int height, int cycleGroup, boolean breaksCycle,
                boolean primary) {
        this(id, parentEdgeId, foreignKey, parent, child, strategy, depth, height, cycleGroup, breaksCycle, primary,
                false);
    }

    public Edge {
        Objects.requireNonNull(parentEdgeId, "parentEdgeId");
        Objects.requireNonNull(foreignKey, "foreignKey");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(strategy, "strategy");
        if (id < 1 || depth < 0 || height < 0 || cycleGroup < 0) {
            throw new IllegalArgumentException("edge " + id + ": id, depth, height and cycle group must not be negative");
        }
        if (foreignKey.isEmpty() != parentEdgeId.isEmpty()) {
            throw new IllegalArgumentException("edge " + id + ": only the root edge lacks a constraint and a parent edge");
        }
        if (deferred && breaksCycle) {
            throw new IllegalArgumentException("edge " + id + ": a cycle edge is either detached or deferred");
        }
    }

    public boolean root() {
        return foreignKey.isEmpty();
    }
}
