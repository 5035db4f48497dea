package io.declutter.model;

import java.util.List;
import java.util.Objects;

/** A primary key or a unique key (constraint or plain unique index) on plain columns. */
public record UniqueKey(String name, List<String> columns, boolean primary) {

    public UniqueKey {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("key " + name + " has no columns");
        }
    }
}
