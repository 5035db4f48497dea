package io.declutter.localdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds a PostgreSQL server for the demo, the benchmark and the tests, in this order: the
 * {@code DECLUTTER_TEST_JDBC_URL} environment variable, a server on localhost:5432 (user from PGUSER or postgres,
 * password from PGPASSWORD), a Testcontainers container when Docker is available, an embedded server (zonky) when
 * not running as root. Never used by a purge: the runner has this module at test scope only, so its jar carries
 * neither Testcontainers nor an embedded server (see CONTRIBUTING.md#layout).
 */
public final class PostgresLocator {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLocator.class);
    public static final String ENV_URL = "DECLUTTER_TEST_JDBC_URL";

    /**
     * A server found: {@code adminUrl} connects to a database from which others can be created.
     * Closing it stops a container or embedded server the locator started.
     */
    public record Server(String adminUrl, Optional<String> user, Optional<String> password, String how,
                         AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            owner.close();
        }

        /** A connection to a database of this server; a failure to connect is unchecked (the server was found). */
        public Connection connect(String url) {
            Properties props = new Properties();
            user.ifPresent(u -> props.setProperty("user", u));
            password.ifPresent(p -> props.setProperty("password", p));
            props.setProperty("connectTimeout", "10");
            props.setProperty("ApplicationName", "declutter");
            try {
                return DriverManager.getConnection(url, props);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to " + url + ": " + e.getMessage(), e);
            }
        }
    }

    private PostgresLocator() {
    }

    public static Optional<Server> locate(Map<String, String> env) {
        String configured = env.get(ENV_URL);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(new Server(configured, Optional.ofNullable(env.get("PGUSER")),
                    Optional.ofNullable(env.get("PGPASSWORD")), ENV_URL, () -> { }));
        }
        Optional<Server> local = localhost(env);
        if (local.isPresent()) {
            return local;
        }
        Optional<Server> container = container();
        if (container.isPresent()) {
            return container;
        }
        return embedded();
    }

    private static Optional<Server> localhost(Map<String, String> env) {
        String url = "jdbc:postgresql://127.0.0.1:5432/postgres";
        Optional<String> user = Optional.of(env.getOrDefault("PGUSER", "postgres"));
        Optional<String> password = Optional.ofNullable(env.get("PGPASSWORD"));
        Properties props = new Properties();
        props.setProperty("user", user.get());
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("connectTimeout", "3");
        try (Connection ignored = DriverManager.getConnection(url, props)) {
            return Optional.of(new Server(url, user, password, "PostgreSQL on localhost:5432", () -> { }));
        } catch (SQLException e) {
            LOG.debug("no PostgreSQL on localhost:5432: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<Server> container() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Docker is not available: {}", e.getMessage());
            return Optional.empty();
        }
        PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:16-alpine");
        pg.start();
        return Optional.of(new Server(pg.getJdbcUrl(), Optional.of(pg.getUsername()), Optional.of(pg.getPassword()),
                "Testcontainers " + pg.getDockerImageName(), pg::stop));
    }

    private static Optional<Server> embedded() {
        if ("root".equals(System.getProperty("user.name"))) {
            LOG.debug("running as root: embedded PostgreSQL refuses to start");
            return Optional.empty();
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.start();
            return Optional.of(new Server(pg.getJdbcUrl("postgres", "postgres"), Optional.of("postgres"),
                    Optional.empty(), "embedded PostgreSQL (zonky)", pg::close));
        } catch (IOException | RuntimeException e) {
            LOG.debug("embedded PostgreSQL did not start: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
