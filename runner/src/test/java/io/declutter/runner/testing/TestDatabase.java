package io.declutter.runner.testing;

import io.declutter.dialect.Resources;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The PostgreSQL server tests run against, found once per JVM the way the demo finds one
 * ({@code DECLUTTER_TEST_JDBC_URL}, localhost:5432, Testcontainers, embedded). Each test class takes its own
 * fresh database from it and drops it after. In CI ({@code CI=true}) no server is a failure, not a skip.
 */
public final class TestDatabase {

    private static PostgresLocator.Server server;

    private TestDatabase() {
    }

    public static synchronized PostgresLocator.Server server() {
        if (server == null) {
            server = PostgresLocator.locate(System.getenv()).orElse(null);
            if (server == null) {
                String why = "no PostgreSQL found: set " + PostgresLocator.ENV_URL + ", start PostgreSQL on"
                        + " localhost:5432, or run where Docker is available";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    Assertions.fail(why + " (CI=true: a missing database fails the build)");
                }
                Assumptions.abort(why);
            }
            System.out.println("[declutter tests] PostgreSQL: " + server.how());
            PostgresLocator.Server s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // the JVM is exiting; a container or embedded server is reaped with it
                }
            }));
        }
        return server;
    }

    /** A new, empty database; close it (try-with-resources or @AfterAll) to drop it. */
    public static ScratchDatabase fresh(String prefix) throws SQLException {
        return ScratchDatabase.create(server(), "declutter_test_" + prefix);
    }

    /** A new database holding the demo's multi-tenant sample (schema {@code app}). */
    public static ScratchDatabase freshDemo(String prefix) throws SQLException {
        ScratchDatabase db = fresh(prefix);
        try (Connection c = db.connect()) {
            loadDemo(c);
        }
        return db;
    }

    /** A new database holding the demo's sample and its clutter (clutter.sql: notes, duplicated users, events). */
    public static ScratchDatabase freshDemoWithClutter(String prefix) throws SQLException {
        ScratchDatabase db = freshDemo(prefix);
        try (Connection c = db.connect()) {
            SqlScripts.run(c, Resources.text(TestDatabase.class, "/sql/demo/postgres/clutter.sql"));
        }
        return db;
    }

    public static void loadDemo(Connection c) throws SQLException {
        SqlScripts.run(c, Resources.text(TestDatabase.class, "/sql/demo/postgres/schema.sql"));
        SqlScripts.run(c, Resources.text(TestDatabase.class, "/sql/demo/postgres/data.sql"));
    }
}
