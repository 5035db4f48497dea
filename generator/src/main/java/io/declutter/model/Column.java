package io.declutter.model;

import java.util.Objects;

/**
 * One column of a table.
 *
 * @param type       the type as the database prints it (e.g. {@code numeric(10,2)}), used verbatim in backup tables
 * @param identity   whether and how the database generates its value
 * @param generated  a computed (generated stored) column: backed up, never written on rollback
 */
public record Column(String name, int position, String type, boolean nullable, Identity identity, boolean generated) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(identity, "identity");
        if (position < 1) {
            throw new IllegalArgumentException("column position must be 1 or more: " + name);
        }
    }

    /** Whether rollback may write this column. */
    public boolean writable() {
        return !generated;
    }
}
