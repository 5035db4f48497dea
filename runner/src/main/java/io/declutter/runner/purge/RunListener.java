package io.declutter.runner.purge;

import io.declutter.dialect.HealthReading;
import io.declutter.dialect.JobProcedures;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link PurgeLoop} tells about a run as it goes: the service's metrics listen (docs/serve.md#metrics). Every
 * method does nothing by default, and a loop without a listener ({@link #NONE}, what {@code declutter run} uses) reads
 * nothing more than before. Called on the loop's thread, between units of work: a listener must be quick and must not
 * throw (the loop logs and ignores what one throws).
 */
public interface RunListener {

    /** The listener that does nothing. */
    RunListener NONE = new RunListener() {
    };

    /** The loop starts (or resumes) driving the run. */
    default void runStarted(String job, long run) {
    }

    /**
     * A unit of work ended: {@code phase} as the step procedure reported it ({@code cache}, {@code delete},
     * {@code done}, {@code retry}, {@code busy}, {@code failed}), how long it took, and the rows it logged per table
     * (cached, deleted; docs/design.md).
     */
    default void unitDone(String job, long run, String phase, Duration took, List<JobProcedures.LoggedRows> rows) {
    }

    /** The health signals were read before a unit (docs/throttle.md#signals); empty without a throttle. */
    default void signalsRead(String job, long run, List<HealthReading> readings) {
    }

    /**
     * A hold starts (docs/throttle.md#holds): {@code reason} as the log and the progress line say it, {@code causes}
     * the readings that hold (a signal over its limit, or unknown with {@code onUnknown: hold}).
     */
    default void holdStarted(String job, long run, String reason, List<HealthReading> causes) {
    }

    /** The signals were read again during a hold and still say hold, perhaps for other reasons. */
    default void holdChecked(String job, long run, String reason, List<HealthReading> causes) {
    }

    /** The hold ended (the signals say go, or the run stops while holding) after {@code held}. */
    default void holdEnded(String job, long run, Duration held) {
    }

    /**
     * The loop stopped driving the run: done, failed, stopped (exit code 4), or failed by an exception (exit code 1,
     * the exception's message).
     */
    default void runEnded(String job, long run, PurgeLoop.Outcome outcome) {
    }

    /** A rollback of the run put rows back: the {@code restore} rows of its log, per table. */
    default void rowsRestored(String job, long run, List<JobProcedures.LoggedRows> rows) {
    }

    /**
     * Rolls the run back ({@link JobProcedures#rollback}) and tells {@code listener} the rows it put back, from the
     * {@code restore} rows the rollback added to the log: how the service's rollback feeds the metrics.
     */
    static void rollBack(JobProcedures procs, long run, RunListener listener) throws SQLException {
        long before = procs.lastLogId(run);
        procs.rollback(run);
        List<JobProcedures.LoggedRows> restored = procs.loggedRowsAfter(run, before).stream()
                .filter(r -> "restore".equals(r.action())).toList();
        listener.rowsRestored(procs.job(), run, restored);
    }
}
