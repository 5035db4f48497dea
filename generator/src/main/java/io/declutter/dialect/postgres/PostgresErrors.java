package io.declutter.dialect.postgres;

import io.declutter.dialect.ErrorKind;

import java.sql.SQLException;
import java.util.Set;

/** PostgreSQL's SQLSTATEs as {@link ErrorKind}s (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
final class PostgresErrors {

    /**
     * A lock timeout (55P03 lock_not_available) and a statement timeout or cancel (57014 query_canceled). Deadlocks
     * and serialization failures inside a unit are caught and retried by the step procedure itself.
     */
    private static final Set<String> RETRY = Set.of("55P03", "57014");
    /** The server ended the session: terminated by an administrator, crash of another backend, cannot connect now. */
    private static final Set<String> SESSION_ENDED = Set.of("57P01", "57P02", "57P03");

    private PostgresErrors() {
    }

    static ErrorKind classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (RETRY.contains(state)) {
            return ErrorKind.RETRY;
        }
        if (state.startsWith("08") || SESSION_ENDED.contains(state)) {
            return ErrorKind.UNREACHABLE; // class 08: connection exception
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return ErrorKind.LOGIN_REFUSED; // invalid_password, invalid_authorization_specification
        }
        if (state.equals("3D000")) {
            return ErrorKind.UNKNOWN_DATABASE; // invalid_catalog_name
        }
        if (state.equals("42501")) {
            return ErrorKind.NO_PRIVILEGE; // insufficient_privilege
        }
        if (state.startsWith("42") || state.startsWith("22")) {
            return ErrorKind.BAD_INPUT; // syntax error or access rule violation, data exception
        }
        return ErrorKind.OTHER;
    }
}
