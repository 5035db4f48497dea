package io.declutter.model;

import java.util.Objects;

/**
 * A job's choice for one foreign key, overriding what its ON DELETE action makes the plan do with it.
 *
 * <p>{@code skip}: the edge is not followed and its child rows stay (docs/design.md#closure); a NO ACTION or
 * RESTRICT key then blocks the delete of a parent one of them references, which the run checks before its first
 * delete, and a key the database acts on (CASCADE, SET NULL, SET DEFAULT) cannot be skipped.
 *
 * <p>{@code delete} on an ON DELETE SET NULL / SET DEFAULT foreign key. The plan then
 * follows the edge like a CASCADE one: the child rows referencing purged rows are backed up and deleted (with their
 * own closure) before their parents, instead of staying with the column reset. This is the way through an edge the
 * database would refuse to reset (SET NULL onto a NOT NULL column, SET DEFAULT to a value the parent does not hold):
 * such an edge blocks the parent's delete exactly like RESTRICT, and {@code plan} refuses the job until the job
 * either overrides it or excludes the child table (docs/design.md#set-null-and-set-default).
 *
 * @param table      the table declaring the foreign key (its partition, for one declared on a partition only)
 * @param constraint the constraint's name, exactly as the catalog spells it
 */
public record EdgeOverride(TableName table, String constraint, Strategy strategy) {

    public EdgeOverride {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(constraint, "constraint");
        Objects.requireNonNull(strategy, "strategy");
        if (constraint.isBlank()) {
            throw new InvalidJobException("an edge override names no constraint; give 'constraint' (the foreign key's"
                    + " name) and 'table' (the table declaring it)");
        }
        if (strategy == Strategy.SET_NULL) {
            throw new InvalidJobException("edge " + table + "." + constraint + ": strategy '" + strategy.sql()
                    + "' cannot be chosen; write 'delete' (follow the edge: back up and delete the rows referencing"
                    + " purged rows) or 'skip' (leave them: their children must stay)");
        }
    }

    /** Whether this override names the foreign key. */
    public boolean matches(ForeignKey fk) {
        return fk.name().equals(constraint) && (fk.declaringTable().equals(table) || fk.child().equals(table));
    }

    /** As the job file writes it. */
    public String display() {
        return table.display() + "." + constraint;
    }
}
