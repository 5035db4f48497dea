package io.declutter.runner.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs a SQL script over JDBC. The PostgreSQL driver splits a script into statements itself and respects
 * dollar quotes, so procedure bodies arrive whole.
 */
public final class SqlScripts {

    private SqlScripts() {
    }

    public static void run(Connection connection, String script) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(script);
        }
    }
}
