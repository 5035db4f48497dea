package io.declutter.localdb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** A throwaway database on a located server (demo, tests); closing it drops it. */
public final class ScratchDatabase implements AutoCloseable {

    private final PostgresLocator.Server server;
    private final String name;
    private final String url;

    private ScratchDatabase(PostgresLocator.Server server, String name) {
        this.server = server;
        this.name = name;
        this.url = JdbcUrls.withDatabase(server.adminUrl(), name);
    }

    public static ScratchDatabase create(PostgresLocator.Server server, String prefix) throws SQLException {
        String name = (prefix + "_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36))
                .toLowerCase(Locale.ROOT);
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return new ScratchDatabase(server, name);
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    public Connection connect() {
        return server.connect(url);
    }

    public PostgresLocator.Server server() {
        return server;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
