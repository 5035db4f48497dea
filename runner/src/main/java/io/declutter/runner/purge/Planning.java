package io.declutter.runner.purge;

import io.declutter.dialect.Dialect;
import io.declutter.plan.PlanBuilder;
import io.declutter.introspect.CatalogReader;
import io.declutter.model.Catalog;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import org.postgresql.core.Parser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Introspects the database and builds a job's plan; checks the root predicate without running it. */
public final class Planning {

    private Planning() {
    }

    public record Result(Catalog catalog, PurgePlan plan) {
    }

    public static Result plan(Connection connection, Dialect dialect, Job job) throws SQLException {
        Catalog catalog = new CatalogReader(dialect).read(connection);
        if (dialect instanceof io.declutter.dialect.oracle.OracleDialect) {
            job = io.declutter.dialect.oracle.OracleNames.resolve(job, catalog); // unquoted names are upper case
        }
        PurgePlan plan;
        try {
            plan = new PlanBuilder(catalog, job, dialect.maxIdentifierBytes()).build();
        } catch (InvalidJobException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        if (job.rootPredicate().isPresent()) {
            checkPredicate(connection, dialect, job);
        }
        return new Result(catalog, plan);
    }

    /**
     * Plans (EXPLAIN, never executes) a query with the predicate, as one prepared statement inside a
     * read-only transaction that is rolled back: a predicate that does not parse, names an unknown column
     * or smuggles a second statement is refused before anything is generated.
     */
    static void checkPredicate(Connection connection, Dialect dialect, Job job) throws SQLException {
        if (dialect instanceof io.declutter.dialect.oracle.OracleDialect) {
            OraclePlanning.checkPredicate(connection, dialect, job);
            return;
        }
        String sql = "EXPLAIN SELECT 1 FROM " + dialect.qualify(job.root().schema(), job.root().name())
                + " AS c WHERE (" + job.rootPredicate().orElseThrow() + ")";
        requireSingleStatement(job, sql);
        requireNoBodyDelimiter(job);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            connection.setReadOnly(true);
            ps.execute();
        } catch (SQLException e) {
            throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + ": the root predicate does not work on "
                    + job.root() + ": " + e.getMessage() + ". Fix 'root.where' in the job file; it is a SQL condition"
                    + " on the root table's columns, e.g. status = 'closed'.", e);
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
            throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + ": the root predicate on " + job.root()
                    + " is not a single condition: it contains a ';' outside quotes, which would end the statement"
                    + " it is put in and start another. Fix 'root.where' in the job file: write one SQL condition on"
                    + " the root table's columns, without ';' (e.g. status = 'closed').");
        }
    }

    /** Generated bodies are dollar-quoted with these tags; a predicate containing one would end a body early. */
    private static void requireNoBodyDelimiter(Job job) {
        for (String tag : java.util.List.of("$proc$", "$fn$", "$do$", "$declutter$")) {
            if (job.rootPredicate().orElseThrow().contains(tag)) {
                throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + ": the root predicate contains " + tag
                        + ", which delimits the bodies of the generated procedures. Use another dollar-quote tag"
                        + " (e.g. $q$) or a plain string literal in 'root.where'.");
            }
        }
    }
}
