package io.declutter.runner.db;

import io.declutter.dialect.Dialects;
import io.declutter.dialect.ErrorKind;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/** Opens JDBC connections and turns the usual failures into messages a DBA can act on. */
public final class Connections {

    private Connections() {
    }

    public static Connection open(String url, Optional<String> user, Optional<String> password) {
        Properties props = new Properties();
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.putIfAbsent("connectTimeout", "10");
        props.setProperty("ApplicationName", "declutter");
        try {
            Connection c = DriverManager.getConnection(url, props);
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            throw explain(url, user, e);
        }
    }

    static UserError explain(String url, Optional<String> user, SQLException e) {
        ErrorKind kind = kind(url, e);
        String who = user.map(u -> " as " + u).orElse("");
        if (kind == ErrorKind.LOGIN_REFUSED) {
            return new UserError(ExitCodes.NO_DATABASE, "login to " + url + who + " refused: " + e.getMessage()
                    + ". Check the user and the password (database.passwordEnv or database.passwordFile in the job file).", e);
        }
        if (kind == ErrorKind.UNKNOWN_DATABASE) {
            return new UserError(ExitCodes.NO_DATABASE, "database in " + url + " does not exist: " + e.getMessage()
                    + ". Check the database name in database.url of the job file (or --jdbc-url).", e);
        }
        if (kind == ErrorKind.UNREACHABLE || e.getMessage() != null && e.getMessage().contains("No suitable driver")) {
            return new UserError(ExitCodes.NO_DATABASE, "cannot reach the database at " + url + ": " + e.getMessage()
                    + ". Check the host, port and that the server is running.", e);
        }
        return new UserError(ExitCodes.NO_DATABASE, "cannot connect to " + url + who + ": " + e.getMessage(), e);
    }

    /** What the dialect of the URL makes of the error; a URL no dialect serves has no driver either. */
    private static ErrorKind kind(String url, SQLException e) {
        try {
            return Dialects.forJdbcUrl(url).classify(e);
        } catch (IllegalArgumentException unknown) {
            return ErrorKind.OTHER;
        }
    }
}
