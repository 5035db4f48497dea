package io.declutter.runner.purge;

import io.declutter.dialect.HealthReading;
import io.declutter.dialect.HealthSignals;
import io.declutter.dialect.JobProcedures;
import io.declutter.model.Throttle;
import io.declutter.runner.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Drives a run from the runner: calls the step procedure until the run is done, the deadline passes, a
 * stop file appears or a pause is requested. Each step is its own transaction (autocommit), so stopping
 * between steps, or being killed during one, loses nothing. With an archive ({@link #archivingInto}), each step's
 * transaction also writes its new backup rows outside the database before it commits. Before every step it reads the health signals the job's
 * throttle limits and holds, with back-off, while one says hold (docs/throttle.md#holds); delete batches adapt their
 * size to the throttle's target batch time (docs/throttle.md#adaptive-batches). A {@link RunListener} (the service's
 * metrics) is told of every unit, reading and hold ({@link #reportingTo}).
 */
public final class PurgeLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PurgeLoop.class);
    private static final long MAX_BACKOFF_MS = 60_000;
    private static final long FIRST_HOLD_MS = 500;
    private static final long MAX_HOLD_MS = 10_000;

    private final JobProcedures procs;
    private final BatchSizer sizer;
    private final Optional<Instant> deadline;
    private final Optional<Path> stopFile;
    private final ProgressBar progress;
    private final HealthSignals signals;
    private final Supplier<Throttle> throttle;
    private final HoldCauses holdCauses = new HoldCauses();
    private BatchArchive archive;
    private RunListener listener = RunListener.NONE;

    /** How a loop ended. */
    public record Outcome(long run, String phase, int exitCode, String message) {
    }

    public PurgeLoop(JobProcedures procs, int batchSize, Optional<Instant> deadline, Optional<Path> stopFile,
                     ProgressBar progress) {
        this(procs, batchSize, deadline, stopFile, progress, t -> List.of(), () -> Throttle.NONE);
    }

    /**
     * @param signals  the database's health signals, read on the purge's connection
     * @param throttle the job's throttle limits as they are now (re-read between units: {@link ThrottleFile})
     */
    public PurgeLoop(JobProcedures procs, int batchSize, Optional<Instant> deadline, Optional<Path> stopFile,
                     ProgressBar progress, HealthSignals signals, Supplier<Throttle> throttle) {
        this.procs = procs;
        this.sizer = new BatchSizer(batchSize);
        this.deadline = deadline;
        this.stopFile = stopFile;
        this.progress = progress;
        this.signals = signals;
        this.throttle = throttle;
    }

    /**
     * Archives every unit's new backup rows before the unit commits (docs/archive.md#archive-before-delete).
     */
    public PurgeLoop archivingInto(BatchArchive archive) {
        this.archive = archive;
        return this;
    }

    /**
     * Tells {@code listener} what the run does (docs/serve.md#metrics); with one, the loop also reads the log rows
     * each unit added, to say which tables it cached or deleted rows of.
     */
    public PurgeLoop reportingTo(RunListener listener) {
        this.listener = listener;
        return this;
    }

    public Outcome drive(long run) throws SQLException, InterruptedException, java.io.IOException {
        String job = procs.job();
        tell(l -> l.runStarted(job, run));
        Outcome outcome = null;
        try {
            outcome = loop(run, job);
            return outcome;
        } finally {
            Outcome ended = outcome != null ? outcome
                    : new Outcome(run, "failed", ExitCodes.FAILED, "run " + run + " ended by an error");
            tell(l -> l.runEnded(job, run, ended));
        }
    }

    private Outcome loop(long run, String job) throws SQLException, InterruptedException, java.io.IOException {
        boolean listening = listener != RunListener.NONE;
        long lastLogId = listening ? procs.lastLogId(run) : 0;
        Instant holdSince = null;
        long backoff = 1000;
        long holdBackoff = FIRST_HOLD_MS;
        boolean holding = false;
        String phase = "start";
        procs.endHold(run); // a runner killed while holding left its hold open
        if (archive != null) {
            archive.open();
        }
        try {
            while (true) {
                if (deadline.isPresent() && Instant.now().isAfter(deadline.get())) {
                    return stopped(run, phase, "the window ended" + (holding ? " while holding" : ""));
                }
                if (stopFile.isPresent() && Files.exists(stopFile.get())) {
                    procs.requestPause(run);
                    return stopped(run, phase, "stop file " + stopFile.get() + " found");
                }
                if (procs.pauseRequested(run)) {
                    return stopped(run, phase, "a pause was requested (declutter stop)");
                }
                Throttle limits = throttle.get();
                List<HealthReading> readings = signals.read(limits);
                tell(l -> l.signalsRead(job, run, readings));
                List<HealthReading> causes = holdCauses.of(limits, readings);
                if (!causes.isEmpty()) {
                    String reason = String.join("; ", causes.stream().map(HealthReading::reason).toList());
                    if (holding) {
                        procs.extendHold(run, reason);
                        tell(l -> l.holdChecked(job, run, reason, causes));
                    } else {
                        holdSince = Instant.now();
                        procs.startHold(run, holdSince, reason);
                        LOG.info("run {}: holding: {}", run, reason);
                        holding = true;
                        tell(l -> l.holdStarted(job, run, reason, causes));
                    }
                    progress.hold(reason);
                    long sleep = holdBackoff;
                    if (deadline.isPresent()) {
                        sleep = Math.max(0, Math.min(sleep, Duration.between(Instant.now(), deadline.get()).toMillis() + 1));
                    }
                    Thread.sleep(sleep);
                    holdBackoff = Math.min(MAX_HOLD_MS, holdBackoff * 2);
                    continue;
                }
                if (holding) {
                    procs.endHold(run);
                    LOG.info("run {}: the health signals say go again", run);
                    holding = false;
                    holdBackoff = FIRST_HOLD_MS;
                    Duration held = Duration.between(holdSince, Instant.now());
                    tell(l -> l.holdEnded(job, run, held));
                }
                int size = sizer.next(limits);
                Instant started = Instant.now();
                JobProcedures.Step step;
                if (archive == null) {
                    step = procs.step(run, size);
                } else {
                    // A unit that failed leaves its files to the next start (BatchArchive.open removes them).
                    step = procs.step(run, size, archive::beforeCommit);
                    archive.afterUnit();
                }
                Instant ended = Instant.now();
                if ("delete".equals(step.phase()) && limits.adaptive()) {
                    int next = sizer.observe(limits, size, step.rows(), Duration.between(started, ended));
                    procs.noteBatch(run, size, step.rows(), started, ended, next);
                }
                if (listening) {
                    List<JobProcedures.LoggedRows> rows = procs.loggedRowsAfter(run, lastLogId);
                    if (!rows.isEmpty()) {
                        lastLogId = rows.get(rows.size() - 1).logId();
                    }
                    String unitPhase = step.phase();
                    Duration took = Duration.between(started, ended);
                    tell(l -> l.unitDone(job, run, unitPhase, took, rows));
                }
                boolean phaseChanged = !step.phase().equals(phase);
                phase = step.phase();
                long[] totals = procs.totals(run);
                progress.update(phase, totals[0], totals[1], phaseChanged);
                switch (phase) {
                    case "done":
                        return new Outcome(run, phase, ExitCodes.OK, "run " + run + " is done: "
                                + String.format("%,d", totals[1]) + " rows deleted");
                    case "failed":
                        return new Outcome(run, phase, ExitCodes.FAILED, "run " + run + " failed: "
                                + procs.runInfo(run).lastError() + ". Fix the cause and run again to resume.");
                    case "retry", "busy":
                        LOG.warn("run {}: {}, retrying in {} ms", run, "busy".equals(phase)
                                ? "another session is working on the job" : "lock or statement timeout, or a deadlock", backoff);
                        Thread.sleep(backoff);
                        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                        break;
                    default:
                        backoff = 1000;
                }
            }
        } finally {
            if (holding) {
                try {
                    procs.endHold(run);
                } catch (SQLException e) {
                    LOG.warn("run {}: could not mark the end of its hold in the log: {}", run, e.getMessage());
                }
                Duration held = Duration.between(holdSince, Instant.now());
                tell(l -> l.holdEnded(job, run, held));
            }
            progress.finish();
        }
    }

    /** Tells the listener; what a listener throws is logged and ignored, never the end of a purge. */
    private void tell(java.util.function.Consumer<RunListener> event) {
        if (listener == RunListener.NONE) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("run listener {} failed: {}", listener.getClass().getSimpleName(), e.toString());
        }
    }

    private Outcome stopped(long run, String phase, String why) {
        return new Outcome(run, phase, ExitCodes.STOPPED, "run " + run + " stopped: " + why
                + "; run the same command again to resume");
    }
}
