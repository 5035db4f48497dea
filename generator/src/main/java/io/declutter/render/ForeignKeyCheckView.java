package io.declutter.render;

import java.util.List;

/**
 * What the run checks before its first delete: every foreign key acting on a purged table, or on any partition of
 * one, must be an edge of the plan (docs/design.md#invariants, invariant 8).
 *
 * @param purgedTables the closure tables, each as an SQL expression of type regclass
 * @param known        the plan's foreign keys, followed, nulled or skipped, by child table and constraint name
 */
public record ForeignKeyCheckView(List<String> purgedTables, List<Known> known) {

    /** A foreign key the plan knows: its child table (a regclass expression) and its name (a string literal). */
    public record Known(String childTable, String constraint) {
    }

    public ForeignKeyCheckView {
        purgedTables = List.copyOf(purgedTables);
        known = List.copyOf(known);
        if (purgedTables.isEmpty()) {
            throw new IllegalArgumentException("a purge has at least its root table");
        }
    }
}
