package io.declutter.dialect;

import io.declutter.dialect.postgres.PostgresDialect;

import java.util.List;

/** The known dialects, found by name or by JDBC URL. */
public final class Dialects {

    private static final List<Dialect> ALL = List.of(new PostgresDialect());

    private Dialects() {
    }

    public static Dialect byName(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dialect '" + name + "'; known: "
                        + String.join(", ", ALL.stream().map(Dialect::name).toList())));
    }

    public static Dialect forUrl(String jdbcUrl) {
        return ALL.stream().filter(d -> d.accepts(jdbcUrl)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no dialect for JDBC URL " + jdbcUrl
                        + "; declutter supports jdbc:postgresql:// URLs"));
    }
}
