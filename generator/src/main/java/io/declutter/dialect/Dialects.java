package io.declutter.dialect;

import io.declutter.dialect.oracle.OracleDialect;
import io.declutter.dialect.postgres.PostgresDialect;

import java.util.List;

/** The known dialects, found by name or by JDBC URL. */
public final class Dialects {

    private static final List<Dialect> ALL = List.of(new PostgresDialect(), OracleDialect.latest());

    private Dialects() {
    }

    public static Dialect byName(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst()
                .or(() -> OracleDialect.byName(name).map(Dialect.class::cast))
                .orElseThrow(() -> new IllegalArgumentException("unknown dialect '" + name + "'; known: "
                        + String.join(", ", ALL.stream().map(Dialect::name).toList()) + " (oracle:<version> targets a release,"
                        + " e.g. oracle:12.1 for 30-byte names)"));
    }

    public static Dialect forUrl(String jdbcUrl) {
        return ALL.stream().filter(d -> d.accepts(jdbcUrl)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no dialect for JDBC URL " + jdbcUrl
                        + "; declutter supports jdbc:postgresql:// and jdbc:oracle: URLs"));
    }
}
