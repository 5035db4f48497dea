package io.declutter.runner.purge;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Drives a run from the runner: calls the step procedure until the run is done, the deadline passes, a
 * stop file appears or a pause is requested. Each step is its own transaction (autocommit), so stopping
 * between steps, or being killed during one, loses nothing.
 */
public final class PurgeLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PurgeLoop.class);
    private static final long MAX_BACKOFF_MS = 60_000;

    private final JobProcedures procs;
    private final int batchSize;
    private final Optional<Instant> deadline;
    private final Optional<Path> stopFile;
    private final ProgressBar progress;

    /** How a loop ended. */
    public record Outcome(long run, String phase, int exitCode, String message) {
    }

    public PurgeLoop(JobProcedures procs, int batchSize, Optional<Instant> deadline, Optional<Path> stopFile,
                     ProgressBar progress) {
        this.procs = procs;
        this.batchSize = batchSize;
        this.deadline = deadline;
        this.stopFile = stopFile;
        this.progress = progress;
    }

    public Outcome drive(long run) throws SQLException, InterruptedException {
        long backoff = 1000;
        String phase = "start";
        try {
            while (true) {
                if (deadline.isPresent() && Instant.now().isAfter(deadline.get())) {
                    return stopped(run, phase, "the window ended");
                }
                if (stopFile.isPresent() && Files.exists(stopFile.get())) {
                    procs.requestPause(run);
                    return stopped(run, phase, "stop file " + stopFile.get() + " found");
                }
                if (procs.pauseRequested(run)) {
                    return stopped(run, phase, "a pause was requested (declutter stop)");
                }
                JobProcedures.Step step = procs.step(run, batchSize);
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
            progress.finish();
        }
    }

    private Outcome stopped(long run, String phase, String why) {
        return new Outcome(run, phase, ExitCodes.STOPPED, "run " + run + " stopped: " + why
                + "; run the same command again to resume");
    }
}
