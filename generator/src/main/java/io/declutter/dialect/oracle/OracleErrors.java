package io.declutter.dialect.oracle;

import io.declutter.dialect.ErrorKind;

import java.sql.SQLException;
import java.util.Set;

/** Oracle's error numbers (ORA-nnnnn, as the driver's error code) as {@link ErrorKind}s. */
final class OracleErrors {

    /**
     * ORA-01013 (the driver cancelled a call that ran past the statement timeout), ORA-00054 and ORA-30006 (a
     * resource busy: NOWAIT and WAIT timeouts), ORA-00060 (deadlock): the statement was rolled back.
     */
    private static final Set<Integer> RETRY = Set.of(1013, 54, 30006, 60);
    /**
     * ORA-03113 / ORA-03114 (end of file on, or not connected to, the communication channel), ORA-00028 (session
     * killed), ORA-12170, ORA-12505, ORA-12514, ORA-12541 (listener: timeout, unknown SID or service, no listener) and
     * the driver's own IO error (17002) and closed connection (17008).
     */
    private static final Set<Integer> UNREACHABLE = Set.of(3113, 3114, 28, 12170, 12505, 12514, 12541, 17002, 17008);
    /** ORA-00942 (table or view does not exist), ORA-00904 (invalid identifier), ORA-00936 (missing expression). */
    private static final Set<Integer> BAD_INPUT = Set.of(942, 904, 936);

    private OracleErrors() {
    }

    static ErrorKind classify(SQLException e) {
        int code = e.getErrorCode();
        if (RETRY.contains(code)) {
            return ErrorKind.RETRY;
        }
        if (UNREACHABLE.contains(code) || e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            return ErrorKind.UNREACHABLE;
        }
        if (code == 1017) {
            return ErrorKind.LOGIN_REFUSED; // invalid username/password
        }
        if (code == 1031) {
            return ErrorKind.NO_PRIVILEGE; // insufficient privileges
        }
        if (BAD_INPUT.contains(code)) {
            return ErrorKind.BAD_INPUT;
        }
        return ErrorKind.OTHER;
    }
}
