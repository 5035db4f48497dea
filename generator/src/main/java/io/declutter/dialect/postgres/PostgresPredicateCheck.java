package io.declutter.dialect.postgres;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.RefusedException;
import io.declutter.model.Job;
import io.declutter.model.RootRows;
import io.declutter.render.RootFilter;
import org.postgresql.core.Parser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Checks a root predicate on PostgreSQL without running it: plans (EXPLAIN, never executes) a query with the
 * predicate, as one prepared statement inside a read-only transaction that is rolled back. A predicate that does not
 * parse, names an unknown column or smuggles a second statement is refused before anything is generated.
 */
final class PostgresPredicateCheck {

    private PostgresPredicateCheck() {
    }

    static void check(Connection connection, Dialect dialect, Job job) throws SQLException {
        String condition = condition(job, dialect);
        String sql = "EXPLAIN SELECT 1 FROM " + dialect.qualify(job.root().schema(), job.root().name())
                + " AS c WHERE (" + condition + ")";
        requireSingleStatement(job, sql);
        requireNoBodyDelimiter(job, condition);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            connection.setReadOnly(true);
            ps.execute();
        } catch (SQLException e) {
            if (job.rows() instanceof RootRows.DuplicatesOf d) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the duplicate key ["
                        + String.join(", ", d.key()) + "] does not work on " + job.root() + ": " + e.getMessage()
                        + ". Fix 'root.key' in the job file; each entry is a SQL expression over the table's"
                        + " columns, e.g. lower(email).", e);
            }
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the root predicate does not work"
                    + " on " + job.root() + ": " + e.getMessage() + ". Fix 'root.where' in the job file; it is a SQL"
                    + " condition on the root table's columns, e.g. status = 'closed'.", e);
        } finally {
            connection.rollback();
            connection.setReadOnly(false);
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * The driver splits a statement at every {@code ;} outside quotes and comments and runs the pieces one after
     * the other, so a predicate such as {@code 1=1) ; SELECT pg_terminate_backend(42); SELECT (1} would run its
     * second statement during the check itself (read-only does not stop functions with side effects), and would
     * end up as extra statements in the generated procedure. Such a predicate is refused before anything is sent.
     */
    private static void requireSingleStatement(Job job, String sql) {
        int statements;
        try {
            statements = Parser.parseJdbcSql(sql, true, false, true, false, false).size();
        } catch (SQLException e) {
            statements = -1;
        }
        if (statements != 1) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the root predicate on "
                    + job.root() + " is not a single condition: it contains a ';' outside quotes, which would end the"
                    + " statement it is put in and start another. Fix " + (job.rows() instanceof RootRows.DuplicatesOf
                    ? "'root.key' in the job file: write SQL expressions over the table's columns, without ';'"
                    + " (e.g. lower(email))." : "'root.where' in the job file: write one SQL condition on the root"
                    + " table's columns, without ';' (e.g. status = 'closed')."));
        }
    }

    /**
     * The condition the run selects its root rows with: the job file's, or the one generated for orphans or
     * duplicates (its key expressions are the job file's, checked the same way).
     */
    static String condition(Job job, Dialect dialect) {
        return job.rootPredicate().or(() -> RootFilter.of(job, dialect)).orElseThrow(
                () -> new IllegalArgumentException("job " + job.name() + " takes its root keys at run time"));
    }

    /** Generated bodies are dollar-quoted with these tags; a predicate containing one would end a body early. */
    private static void requireNoBodyDelimiter(Job job, String condition) {
        for (String tag : List.of("$proc$", "$fn$", "$do$", "$declutter$")) {
            if (condition.contains(tag)) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the root predicate contains "
                        + tag + ", which delimits the bodies of the generated procedures. Use another dollar-quote"
                        + " tag (e.g. $q$) or a plain string literal in 'root.where' or 'root.key'.");
            }
        }
    }
}
