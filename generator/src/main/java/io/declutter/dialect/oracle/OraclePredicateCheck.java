package io.declutter.dialect.oracle;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.RefusedException;
import io.declutter.model.Job;
import io.declutter.model.RootRows;
import io.declutter.render.RootFilter;

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
        String predicate = job.rootPredicate().or(() -> RootFilter.of(job, dialect)).orElseThrow(
                () -> new IllegalArgumentException("job " + job.name() + " takes its root keys at run time"));
        String fix = job.rows() instanceof RootRows.DuplicatesOf d ? "the duplicate key [" + String.join(", ", d.key())
                + "]" : "the root predicate";
        String how = job.rows() instanceof RootRows.DuplicatesOf ? "Fix 'root.key' in the job file; each entry is a"
                + " SQL expression over the table's columns, e.g. LOWER(email)." : "Fix 'root.where' in the job file;"
                + " it is a SQL condition on the root table's columns, e.g. status = 'closed'.";
        if (predicate.contains(";")) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": " + fix + " on " + job.root()
                    + " contains a ';', which would end the statement it is put in. " + how);
        }
        String sql = "SELECT 1 FROM " + dialect.qualify(job.root().schema(), job.root().name()) + " c WHERE ("
                + predicate + ")";
        String block = "DECLARE c INTEGER := DBMS_SQL.OPEN_CURSOR; BEGIN DBMS_SQL.PARSE(c, ?, DBMS_SQL.NATIVE);"
                + " DBMS_SQL.CLOSE_CURSOR(c); EXCEPTION WHEN OTHERS THEN DBMS_SQL.CLOSE_CURSOR(c); RAISE; END;";
        try (CallableStatement cs = connection.prepareCall(block)) {
            cs.setString(1, sql);
            cs.execute();
        } catch (SQLException e) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": " + fix + " does not work on "
                    + job.root() + ": " + e.getMessage().strip() + ". " + how, e);
        }
    }
}
