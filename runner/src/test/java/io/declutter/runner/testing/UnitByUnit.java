package io.declutter.runner.testing;

import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A PostgreSQL run driven one unit (and one row) at a time through the dialect API, so that a test can act as the
 * application between two units: after the cache, before the deletes (the late rows of docs/design.md#catch-up).
 */
public final class UnitByUnit {

    private final JobProcedures procs;
    private final long run;
    private JobProcedures.Step step;

    private UnitByUnit(JobProcedures procs, long run) {
        this.procs = procs;
        this.run = run;
    }

    /** Begins a run of the deployed job {@code job} (framework schema 'declutter') on {@code runner}. */
    public static UnitByUnit begin(Connection runner, String job) throws SQLException {
        JobProcedures procs = new PostgresJobProcedures(runner, job, "declutter");
        return new UnitByUnit(procs, procs.beginRun(Optional.empty(), 1));
    }

    /** The run's id. */
    public long run() {
        return run;
    }

    /** Steps until a step that is not a cache unit has run: the cache is complete and the first delete batch done. */
    public UnitByUnit pastTheCache() throws SQLException {
        do {
            step = procs.step(run, 1);
        } while (step.phase().equals("cache"));
        return this;
    }

    /** Steps until the run is done. */
    public void toTheEnd() throws SQLException {
        while (step == null || !step.phase().equals("done")) {
            step = procs.step(run, 1);
        }
    }
}
