package io.declutter.model;

import java.util.Comparator;
import java.util.Objects;

/** A schema-qualified table name, exactly as the catalog spells it (case kept, never quoted). */
public record TableName(String schema, String name) implements Comparable<TableName> {

    private static final Comparator<TableName> ORDER =
            Comparator.comparing(TableName::schema).thenComparing(TableName::name);

    public TableName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        if (schema.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("table name parts must not be empty: " + schema + "." + name);
        }
    }

    /** Human form used in messages and control rows: {@code schema.table}, unquoted. */
    public String display() {
        return schema + "." + name;
    }

    @Override
    public int compareTo(TableName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return display();
    }
}
