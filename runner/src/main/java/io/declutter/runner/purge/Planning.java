package io.declutter.runner.purge;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.RefusedException;
import io.declutter.model.Catalog;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Introspects the database and builds a job's plan, both the dialect's way; has the dialect check the condition that
 * selects the root rows (a root predicate, or an orphan or duplicate root with its key expressions) without running it.
 */
public final class Planning {

    private Planning() {
    }

    public record Result(Catalog catalog, PurgePlan plan) {
    }

    public static Result plan(Connection connection, Dialect dialect, Job job) throws SQLException {
        Catalog catalog = dialect.readCatalog(connection);
        PurgePlan plan;
        try {
            plan = dialect.plan(catalog, job); // job-file names resolve the dialect's way (Oracle: upper case)
        } catch (InvalidJobException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        if (!plan.job().keysAtRunTime()) {
            try {
                dialect.checkPredicate(connection, plan.job());
            } catch (RefusedException e) {
                throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
            }
        }
        return new Result(catalog, plan);
    }
}
