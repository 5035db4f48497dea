package io.declutter.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The tables a trigger (or rule) writes, as read from its function's body (docs/schema-features.md#triggers).
 *
 * @param tables  the tables its body writes, resolved against the catalog, sorted
 * @param unknown why it may write more than {@code tables}: another language, dynamic SQL, a call not followed, a
 *                catalog that does not record bodies; empty when the body tells everything
 */
public record TriggerWrites(List<TableName> tables, Optional<String> unknown) {

    /** Nothing known: what a catalog that does not record trigger bodies gives. */
    public static TriggerWrites unknown(String why) {
        return new TriggerWrites(List.of(), Optional.of(why));
    }

    public TriggerWrites {
        tables = tables.stream().distinct().sorted().toList();
        Objects.requireNonNull(unknown, "unknown");
    }

    public boolean known() {
        return unknown.isEmpty();
    }
}
