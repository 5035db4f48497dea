package io.declutter.dialect;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The dialects on the class path, found by name or by JDBC URL. Each registers itself in
 * {@code META-INF/services/io.declutter.dialect.Dialect}; nothing here knows them by class.
 */
public final class Dialects {

    private static final List<Dialect> ALL = ServiceLoader.load(Dialect.class, Dialects.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

    private Dialects() {
    }

    /** Every dialect, in registration order. */
    public static List<Dialect> all() {
        return ALL;
    }

    /** The dialect a command-line name selects: {@code postgres}, {@code oracle}, {@code oracle:12.1}. */
    public static Dialect forName(String name) {
        return ALL.stream().map(d -> d.named(name)).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dialect '" + name + "'; known: "
                        + String.join(", ", ALL.stream().map(Dialect::name).toList()) + " (oracle:<version> targets a release,"
                        + " e.g. oracle:12.1 for 30-byte names)"));
    }

    /** The dialect serving a JDBC URL. */
    public static Dialect forJdbcUrl(String jdbcUrl) {
        return ALL.stream().filter(d -> d.accepts(jdbcUrl)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no dialect for JDBC URL " + jdbcUrl
                        + "; declutter supports jdbc:postgresql:// and jdbc:oracle: URLs"));
    }
}
