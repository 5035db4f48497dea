package io.declutter.runner.purge;

import io.declutter.dialect.Dialect;
import io.declutter.graph.PlanBuilder;
import io.declutter.introspect.CatalogReader;
import io.declutter.model.Catalog;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

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
        String sql = "EXPLAIN SELECT 1 FROM " + dialect.qualify(job.root().schema(), job.root().name())
                + " AS c WHERE (" + job.rootPredicate().orElseThrow() + ")";
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
}
