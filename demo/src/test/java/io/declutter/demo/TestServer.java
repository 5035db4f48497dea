package io.declutter.demo;

import io.declutter.localdb.PostgresLocator;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the demo's tests make their throwaway databases on, found once per JVM as the runner's tests
 * find theirs ({@code DECLUTTER_TEST_JDBC_URL}, localhost:5432, Testcontainers, embedded). In CI ({@code CI=true})
 * no server is a failure, not a skip.
 */
public final class TestServer {

    private static PostgresLocator.Server server;

    private TestServer() {
    }

    public static synchronized PostgresLocator.Server get() {
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
}
