package io.declutter.dialect.oracle;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.RefusedException;
import io.declutter.model.Job;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Checks a root predicate on Oracle without running it: {@code DBMS_SQL.PARSE} of one SELECT holding it parses and
 * resolves the names (a SELECT is never executed by PARSE, and DBMS_SQL takes exactly one statement, so nothing
 * can be smuggled after it).
 */
final class OraclePredicateCheck {

    private OraclePredicateCheck() {
    }

    static void checkPredicate(Connection connection, Dialect dialect, Job job) throws SQLException {
        String predicate = job.rootPredicate().orElseThrow();
        if (predicate.contains(";")) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the root predicate on " + job.root()
                    + " contains a ';', which would end the statement it is put in. Fix 'root.where' in the job file:"
                    + " write one SQL condition on the root table's columns (e.g. status = 'closed').");
        }
        String sql = "SELECT 1 FROM " + dialect.qualify(job.root().schema(), job.root().name()) + " c WHERE ("
                + predicate + ")";
        String block = "DECLARE c INTEGER := DBMS_SQL.OPEN_CURSOR; BEGIN DBMS_SQL.PARSE(c, ?, DBMS_SQL.NATIVE);"
                + " DBMS_SQL.CLOSE_CURSOR(c); EXCEPTION WHEN OTHERS THEN DBMS_SQL.CLOSE_CURSOR(c); RAISE; END;";
        try (CallableStatement cs = connection.prepareCall(block)) {
            cs.setString(1, sql);
            cs.execute();
        } catch (SQLException e) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the root predicate does not work on "
                    + job.root() + ": " + e.getMessage().strip() + ". Fix 'root.where' in the job file; it is a SQL"
                    + " condition on the root table's columns, e.g. status = 'closed'.", e);
        }
    }
}
