package io.declutter.model;

import java.util.List;
import java.util.Objects;

/**
 * A foreign key: rows of {@code child} reference rows of {@code parent}.
 * Declared constraints and logical (undeclared) references share this record.
 */
public record ForeignKey(
        String name,
        TableName child,
        List<String> childColumns,
        TableName parent,
        List<String> parentColumns,
        OnDelete onDelete,
        boolean deferrable,
        boolean initiallyDeferred) {

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
    }

    public boolean selfReference() {
        return child.equals(parent);
    }

    /** Human form: {@code child(cols) -> parent(cols)}. */
    public String display() {
        return child.display() + "(" + String.join(", ", childColumns) + ") -> "
                + parent.display() + "(" + String.join(", ", parentColumns) + ")";
    }
}
