package io.declutter.model;

import java.util.List;
import java.util.Objects;

/**
 * A reference the application keeps without a foreign key constraint, declared in the job file's {@code references:}
 * list: rows of {@code child} whose {@code childColumns} equal {@code parentColumns} of a {@code parent} row belong to
 * it (docs/design.md#logical-references).
 *
 * @param name          names the reference in plan, the control table and the logs
 * @param parentColumns empty: the parent's primary key
 * @param action        what a purge of the parent does with the child rows
 */
public record LogicalReference(String name, TableName child, List<String> childColumns, TableName parent,
                               List<String> parentColumns, Action action) {

    /** What happens to child rows referencing a purged parent row. */
    public enum Action {
        /** Backed up and deleted with the parent (and their own closure), like a CASCADE or NO ACTION key. */
        DELETE,
        /**
         * Left in place with their columns set to NULL by the purge itself, like an ON DELETE SET NULL key: their old
         * values are recorded first and rollback writes them back (docs/design.md#logical-references).
         */
        SET_NULL,
        /** Left as they are, referencing nothing afterwards; plan reports it. */
        IGNORE
    }

    public LogicalReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(action, "action");
        childColumns = List.copyOf(childColumns);
        parentColumns = List.copyOf(parentColumns);
        if (name.isBlank()) {
            throw new InvalidJobException("a logical reference has an empty name");
        }
        if (childColumns.isEmpty()) {
            throw new InvalidJobException("logical reference " + name + ": give the child's columns ('columns')");
        }
        if (!parentColumns.isEmpty() && parentColumns.size() != childColumns.size()) {
            throw new InvalidJobException("logical reference " + name + ": " + childColumns.size() + " child columns "
                    + childColumns + " but " + parentColumns.size() + " parent columns " + parentColumns
                    + "; pair them one to one");
        }
    }

    /** Human form: {@code child(cols) -> parent(cols)}. */
    public String display() {
        return child.display() + "(" + String.join(", ", childColumns) + ") -> " + parent.display()
                + (parentColumns.isEmpty() ? "" : "(" + String.join(", ", parentColumns) + ")");
    }
}
