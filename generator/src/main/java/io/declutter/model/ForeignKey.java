package io.declutter.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A foreign key: rows of {@code child} reference rows of {@code parent}.
 * Declared constraints and logical (undeclared) references share this record.
 *
 * <p>A foreign key may reference one partition of a partitioned table rather than the table itself (PostgreSQL
 * allows it whenever the partition has a unique key of its own). Its {@code parent} is then the partitioned table
 * the purge works on (the root of the partition tree), {@code parentPartition} the partition it really references,
 * and {@code parentCondition} the partition constraint (an SQL condition on the parent's columns, unqualified, as
 * the catalog prints it): only parent rows satisfying it are referenced (docs/design.md#partitions).
 */
public record ForeignKey(
        String name,
        TableName child,
        List<String> childColumns,
        TableName parent,
        List<String> parentColumns,
        OnDelete onDelete,
        boolean deferrable,
        boolean initiallyDeferred,
        Optional<TableName> parentPartition,
        Optional<String> parentCondition) {

    /** A foreign key that references its parent table itself (no partition of it). */
    public ForeignKey(String name, TableName child, List<String> childColumns, TableName parent,
                      List<String> parentColumns, OnDelete onDelete, boolean deferrable, boolean initiallyDeferred) {
        this(name, child, childColumns, parent, parentColumns, onDelete, deferrable, initiallyDeferred,
                Optional.empty(), Optional.empty());
    }

    public ForeignKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(onDelete, "onDelete");
        childColumns = List.copyOf(childColumns);
        parentColumns = List.copyOf(parentColumns);
        if (childColumns.isEmpty() || childColumns.size() != parentColumns.size()) {
            throw new IllegalArgumentException("foreign key " + name + " must pair child and parent columns one to one");
        }
        Objects.requireNonNull(parentPartition, "parentPartition");
        Objects.requireNonNull(parentCondition, "parentCondition");
        if (parentCondition.isPresent() && (parentPartition.isEmpty() || parentCondition.get().isBlank())) {
            throw new IllegalArgumentException("foreign key " + name + ": a partition condition needs its partition");
        }
    }

    public boolean selfReference() {
        return child.equals(parent);
    }

    /** Human form: {@code child(cols) -> parent(cols)}, naming the partition when it references one. */
    public String display() {
        return child.display() + "(" + String.join(", ", childColumns) + ") -> "
                + parent.display() + parentPartition.map(p -> " partition " + p.display()).orElse("")
                + "(" + String.join(", ", parentColumns) + ")";
    }
}
