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
 *
 * <p>Likewise a foreign key may be declared on one partition of a partitioned table only (not on the partitioned
 * table, so its other partitions reference nothing). Its {@code child} is then the partitioned table the purge works
 * on (the root of the partition tree), {@code childPartition} the partition that declares it, and
 * {@code childCondition} that partition's constraint (on the child's columns, unqualified): only child rows
 * satisfying it reference the parent. The purge follows it through the partitioned table, restricted to those rows,
 * rather than through the partition as a table of its own: every table of the closure is a root of its partition
 * tree, so a row is backed up, deleted and restored through exactly one backup table however many foreign keys
 * reach it, some declared on the whole table and some on one of its partitions (docs/design.md#partitions).
 *
 * @param resetColumns the child columns ON DELETE SET NULL / SET DEFAULT resets: every child column unless the
 *                     constraint names a subset ({@code ON DELETE SET NULL (col)}, PostgreSQL 15); empty for the
 *                     other actions
 * @param resetChecks  the CHECK constraints of the declaring table that name a column of the key: the database
 *                     evaluates them on every row SET NULL / SET DEFAULT resets, and refuses the parent's delete if
 *                     one fails; empty for the other actions
 * @param childPartitionIndexed for a foreign key declared on a partition only: whether that partition has an index
 *                     leading with the key's columns (the model's indexes are those of the partitioned tables)
 * @param logical      a reference the job file declares ({@code references:}) and the database does not enforce: the
 *                     purge follows it like a NO ACTION key, but no delete fails on it (docs/design.md#logical-references)
 * @param enforcement  whether the database guarantees every existing row matches a parent row: a key that does
 *                     not may have orphans (docs/design.md#orphan-roots)
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
        Optional<String> parentCondition,
        Optional<TableName> childPartition,
        Optional<String> childCondition,
        List<String> resetColumns,
        List<CheckConstraint> resetChecks,
        boolean childPartitionIndexed,
        boolean logical,
        Enforcement enforcement) {

    /** What the database guarantees about the rows a declared key already holds. */
    public enum Enforcement {
        /** Validated and checked: no existing row lacks its parent. */
        ENFORCED,
        /** Declared NOT VALID (Oracle: ENABLE NOVALIDATE): rows older than the constraint are not checked. */
        NOT_VALID,
        /** Its checks are disabled (PostgreSQL: the constraint's triggers disabled): nothing is checked. */
        DISABLED
    }

    /** A foreign key the database enforces, or a logical reference. */
    public ForeignKey(String name, TableName child, List<String> childColumns, TableName parent,
                      List<String> parentColumns, OnDelete onDelete, boolean deferrable, boolean initiallyDeferred,
                      Optional<TableName> parentPartition, Optional<String> parentCondition,
                      Optional<TableName> childPartition, Optional<String> childCondition, List<String> resetColumns,
                      List<CheckConstraint> resetChecks, boolean childPartitionIndexed, boolean logical) {
        this(name, child, childColumns, parent, parentColumns, onDelete, deferrable, initiallyDeferred, parentPartition,
                parentCondition, childPartition, childCondition, resetColumns, resetChecks, childPartitionIndexed,
                logical, Enforcement.ENFORCED);
    }

    /** A declared constraint (not a logical reference). */
    public ForeignKey(String name, TableName child, List<String> childColumns, TableName parent,
                      List<String> parentColumns, OnDelete onDelete, boolean deferrable, boolean initiallyDeferred,
                      Optional<TableName> parentPartition, Optional<String> parentCondition,
                      Optional<TableName> childPartition, Optional<String> childCondition, List<String> resetColumns,
                      List<CheckConstraint> resetChecks, boolean childPartitionIndexed) {
        this(name, child, childColumns, parent, parentColumns, onDelete, deferrable, initiallyDeferred, parentPartition,
                parentCondition, childPartition, childCondition, resetColumns, resetChecks, childPartitionIndexed, false);
    }

    /** A foreign key that references its parent table itself (no partition of it). */
    public ForeignKey(String name, TableName child, List<String> childColumns, TableName parent,
                      List<String> parentColumns, OnDelete onDelete, boolean deferrable, boolean initiallyDeferred) {
        this(name, child, childColumns, parent, parentColumns, onDelete, deferrable, initiallyDeferred,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), false);
    }

    /** A foreign key declared on its child table itself, whose SET NULL / SET DEFAULT resets every child column. */
    public ForeignKey(String name, TableName child, List<String> childColumns, TableName parent,
                      List<String> parentColumns, OnDelete onDelete, boolean deferrable, boolean initiallyDeferred,
                      Optional<TableName> parentPartition, Optional<String> parentCondition) {
        this(name, child, childColumns, parent, parentColumns, onDelete, deferrable, initiallyDeferred,
                parentPartition, parentCondition, Optional.empty(), Optional.empty(), List.of(), List.of(), false);
    }

    public ForeignKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(onDelete, "onDelete");
        Objects.requireNonNull(enforcement, "enforcement");
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
        Objects.requireNonNull(childPartition, "childPartition");
        Objects.requireNonNull(childCondition, "childCondition");
        if (childCondition.isPresent() && (childPartition.isEmpty() || childCondition.get().isBlank())) {
            throw new IllegalArgumentException("foreign key " + name + ": a partition condition needs its partition");
        }
        boolean resets = onDelete == OnDelete.SET_NULL || onDelete == OnDelete.SET_DEFAULT;
        // No list given: SET NULL / SET DEFAULT resets every column of the key, as SQL defines it.
        resetColumns = !resets ? List.of() : resetColumns.isEmpty() ? childColumns : List.copyOf(resetColumns);
        resetChecks = resets ? List.copyOf(resetChecks) : List.of();
        if (!childColumns.containsAll(resetColumns)) {
            throw new IllegalArgumentException("foreign key " + name + ": reset columns " + resetColumns
                    + " are not all columns of the key " + childColumns);
        }
    }

    /** The table that declares the constraint: the child, or the partition of it that declares it. */
    public TableName declaringTable() {
        return childPartition.orElse(child);
    }

    /** Whether rows of the child may reference parent rows that do not exist (docs/design.md#orphan-roots). */
    public boolean mayHaveOrphans() {
        return logical || enforcement != Enforcement.ENFORCED;
    }

    public boolean selfReference() {
        return child.equals(parent);
    }

    /** Human form: {@code child(cols) -> parent(cols)}, naming the partitions it is declared on or references. */
    public String display() {
        return child.display() + childPartition.map(p -> " partition " + p.display()).orElse("")
                + "(" + String.join(", ", childColumns) + ") -> "
                + parent.display() + parentPartition.map(p -> " partition " + p.display()).orElse("")
                + "(" + String.join(", ", parentColumns) + ")";
    }
}
