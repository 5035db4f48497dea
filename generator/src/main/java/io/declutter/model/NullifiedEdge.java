package io.declutter.model;

import java.util.Objects;

/**
 * An ON DELETE SET NULL / SET DEFAULT edge from a closure table: the child rows referencing purged rows keep
 * living, with the columns reset by the database; their keys and old values are recorded in {@code backupTable}.
 *
 * @param repoint an edge into the table of a duplicate job with {@code children: repoint}: the child rows are not
 *                reset but re-pointed to the row kept of their parent's group, before it is deleted; the old values
 *                are recorded the same way (docs/design.md#re-pointing)
 */
public record NullifiedEdge(Edge edge, ForeignKey foreignKey, Table child, UniqueKey key, String backupTable,
                            boolean repoint) {

    public NullifiedEdge(Edge edge, ForeignKey foreignKey, Table child, UniqueKey key, String backupTable) {
        this(edge, foreignKey, child, key, backupTable, false);
    }

    public NullifiedEdge {
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(foreignKey, "foreignKey");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(backupTable, "backupTable");
    }
}
