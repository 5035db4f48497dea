package io.declutter.model;

import java.util.Objects;

/**
 * An ON DELETE SET NULL / SET DEFAULT edge from a closure table: the child rows referencing purged rows keep
 * living, with the columns reset by the database; their keys and old values are recorded in {@code backupTable}.
 */
public record NullifiedEdge(Edge edge, ForeignKey foreignKey, Table child, UniqueKey key, String backupTable) {

    public NullifiedEdge {
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(foreignKey, "foreignKey");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(backupTable, "backupTable");
    }
}
