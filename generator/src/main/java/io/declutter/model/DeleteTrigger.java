package io.declutter.model;

import java.util.List;
import java.util.Objects;

/**
 * A trigger (or rule) on a purged table that the purge's deletes fire, with what it writes beyond the closure
 * (docs/design.md#triggers).
 *
 * @param table    the purged table it is on
 * @param outside  the tables its function writes that the run does not back up (not closure tables)
 * @param disabled whether the job disables it around each delete batch ({@code triggers: {disable: [...]}})
 */
public record DeleteTrigger(TableName table, Trigger trigger, List<TableName> outside, boolean disabled) {

    public DeleteTrigger {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(trigger, "trigger");
        outside = List.copyOf(outside);
    }

    /** {@code schema.table.trigger}, as messages and the framework's trigger_effect rows name it. */
    public String display() {
        return table.display() + "." + trigger.name();
    }

    /** Whether it may change rows the run neither backs up nor can restore: it writes outside, or nobody knows. */
    public boolean writesOutside() {
        return !outside.isEmpty() || !trigger.writes().known();
    }

    /** Whether the run counts the rows of the tables it writes, before and after: it stays enabled and writes outside. */
    public boolean watched() {
        return !disabled && writesOutside();
    }
}
