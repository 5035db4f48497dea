package io.declutter.model;

import java.util.Objects;

/**
 * One column of a table.
 *
 * @param type       the type as the database prints it (e.g. {@code numeric(10,2)}), used verbatim in backup tables
 * @param identity   whether and how the database generates its value
 * @param generated  a computed (generated stored) column: backed up, never written on rollback
 * @param defaultValue the column's default as the catalog prints it (what ON DELETE SET DEFAULT writes); empty when
 *                   it has none (the default is then NULL)
 */
public record Column(String name, int position, String type, boolean nullable, Identity identity, boolean generated,
                     java.util.Optional<String> defaultValue) {

    /** A column without a default. */
    public Column(String name, int position, String type, boolean nullable, Identity identity, boolean generated) {
        this(name, position, type, nullable, identity, generated, java.util.Optional.empty());
    }

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(defaultValue, "defaultValue");
        defaultValue = defaultValue.filter(d -> !d.isBlank());
        if (position < 1) {
            throw new IllegalArgumentException("column position must be 1 or more: " + name);
        }
    }

    /**
     * Whether ON DELETE SET DEFAULT writes NULL into this column: it has no default, or a default that is the NULL
     * constant (PostgreSQL prints {@code DEFAULT NULL} as {@code NULL::type}; a default it cannot judge without
     * evaluating it, a function call say, is taken as not null).
     */
    public boolean defaultIsNull() {
        if (identity != Identity.NONE) {
            return false; // the identity's sequence gives the value
        }
        return defaultValue.map(d -> d.strip().toUpperCase(java.util.Locale.ROOT))
                .map(d -> d.equals("NULL") || d.startsWith("NULL::") || d.startsWith("(NULL)::")).orElse(true);
    }

    /** Whether rollback may write this column. */
    public boolean writable() {
        return !generated;
    }
}
