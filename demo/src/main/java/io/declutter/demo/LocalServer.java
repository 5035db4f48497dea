package io.declutter.demo;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.localdb.PostgresLocator;

import java.util.HashMap;
import java.util.Map;

/** The PostgreSQL server the demo and the benchmark make their throwaway databases on. */
final class LocalServer {

    private LocalServer() {
    }

    /**
     * {@code --jdbc-url} when given, else the server the tests would find ({@code DECLUTTER_TEST_JDBC_URL},
     * localhost:5432, Testcontainers, embedded); none is a user error with exit code {@link ExitCodes#NO_DATABASE}.
     */
    static PostgresLocator.Server locate(String jdbcUrl) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (jdbcUrl != null) {
            env.put(PostgresLocator.ENV_URL, jdbcUrl);
        }
        return PostgresLocator.locate(env).orElseThrow(() -> new UserError(ExitCodes.NO_DATABASE,
                "no PostgreSQL found: pass --jdbc-url, set " + PostgresLocator.ENV_URL
                        + ", start PostgreSQL on localhost:5432, or run where Docker is available"));
    }
}
