package io.declutter.runner.purge;

import io.declutter.config.Durations;
import io.declutter.config.JobFile;
import io.declutter.config.RehearsalSetting;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.HealthSignals;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.StartCheck;
import io.declutter.model.Job;
import io.declutter.model.StartWhen;
import io.declutter.model.Throttle;
import io.declutter.model.Window;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.audit.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One run of one job, everything {@code declutter run} does for it: the window, the start thresholds, the job's
 * advisory lock, the rehearsal, the purge loop with its throttle, stop file and pause flag, the archive before
 * delete, the expiry of due backups and the VACUUM after it. Used by {@code run} (one job, or each of a policy file)
 * and by {@code serve} (docs/serve.md), which learns the run's id as soon as it has begun ({@link #onBegun}).
 */
public final class JobRun {

    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

    /**
     * How to run: {@code run}'s options. {@code maxDuration} is the text of {@code --max-duration} (its end counted
     * from the start of this run) unless {@code sequenceEnd} is given (a policy file's sequence: one end for every
     * job, docs/policy.md#run). {@code keys} and {@code keysFile} may be null.
     */
    public record Options(Integer batchSize, String maxDuration, boolean ignoreWindow, Optional<Path> stopFile,
                          List<String> keys, Path keysFile, boolean noVacuum, boolean vacuumFull,
                          boolean inSequence, Optional<Instant> sequenceEnd, boolean terminal) {

        public Options {
            Objects.requireNonNull(stopFile, "stopFile");
            Objects.requireNonNull(sequenceEnd, "sequenceEnd");
            if (batchSize != null && batchSize < 1) {
                throw new UserError(ExitCodes.BAD_INPUT, "--batch-size must be at least 1");
            }
            if (noVacuum && vacuumFull) {
                throw new UserError(ExitCodes.BAD_INPUT, "--no-vacuum and --vacuum-full contradict each other; give one");
            }
        }

        /** A run with the job file's settings only: what {@code serve} starts (docs/serve.md). */
        public static Options defaults() {
            return new Options(null, null, false, Optional.empty(), null, null, false, false, false, Optional.empty(),
                    false);
        }
    }

    private final JobFile jobFile;
    private final Path file;
    private final Connection connection;
    private final Dialect dialect;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Options options;
    private LongConsumer begun = run -> { };
    private RunListener listener = RunListener.NONE;
    private HealthSignals.Connector others;

    /**
     * @param file the job file or policy file {@code jobFile} was read from: its throttle section is read again
     *             between units when it changes (docs/throttle.md)
     */
    public JobRun(JobFile jobFile, Path file, Connection connection, Dialect dialect, PrintWriter out, PrintWriter err,
                  Options options) {
        this.jobFile = Objects.requireNonNull(jobFile, "jobFile");
        this.file = Objects.requireNonNull(file, "file");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Told of every unit, reading and hold of the run (docs/serve.md#metrics); none by default. */
    public JobRun reportingTo(RunListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * How to log into another database of the job's, such as the standby a throttle names ({@code
     * throttle.standbyUrl}): with the job's database settings, as the caller resolved them.
     */
    public JobRun connectingOthersWith(HealthSignals.Connector others) {
        this.others = Objects.requireNonNull(others, "others");
        return this;
    }

    /** Told the run's id once it has begun (or been resumed), before its first unit of work. */
    public JobRun onBegun(LongConsumer begun) {
        this.begun = Objects.requireNonNull(begun, "begun");
        return this;
    }

    /** Runs the job; its exit code (docs: README#exit-codes). */
    public int call() throws Exception {
        Objects.requireNonNull(others, "connectingOthersWith was not called");
        Job job = jobFile.job();
        JobProcedures procs = dialect.procedures(connection, job);
        procs.requireDeployed();
        if (options.vacuumFull() && !dialect.canVacuumFull()) {
            throw new UserError(ExitCodes.BAD_INPUT, dialect.vacuumFullRefusal());
        }
        Window window = jobFile.window();
        ZonedDateTime now = ZonedDateTime.now();
        if (!options.ignoreWindow() && !window.contains(now)) {
            out.println((!options.inSequence() ? "Outside the window of job " + job.name()
                    : "The window of job " + job.name() + " ended before its turn") + " (" + window.start().orElseThrow()
                    + " to " + window.end().orElseThrow() + "); nothing done. Use --ignore-window to run now.");
            return ExitCodes.STOPPED;
        }
        Optional<Instant> deadline = window.deadline(now).map(ZonedDateTime::toInstant);
        Optional<Instant> byDuration = options.inSequence() ? options.sequenceEnd()
                : Optional.ofNullable(options.maxDuration())
                .map(d -> now.toInstant().plus(Durations.parse("--max-duration", d)));
        if (byDuration.isPresent()) {
            Instant end = byDuration.get();
            if (!end.isAfter(now.toInstant())) {
                out.println("--max-duration " + options.maxDuration() + " is over before job " + job.name()
                        + "; nothing done.");
                return ExitCodes.STOPPED;
            }
            deadline = Optional.of(deadline.filter(d -> d.isBefore(end)).orElse(end));
        }
        if (options.inSequence() && job.keysAtRunTime() && !resumable(procs)) {
            out.println("Job " + job.name() + " takes its root keys at run time; skipped (run it alone: declutter"
                    + " run -j " + file + " --job " + job.name() + " --keys ...).");
            return ExitCodes.OK;
        }
        List<List<String>> rootKeys = rootKeys(job, procs);
        int batch = options.batchSize() != null ? options.batchSize() : job.batchSize();

        if (jobFile.backupArchive().isPresent() && !procs.canArchive()) {
            throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + ": backup.archive is not available for"
                    + " this database yet (docs/archive.md); remove it from the job file to run");
        }
        if (!worthStarting(procs)) {
            return ExitCodes.OK;
        }
        procs.lockJob();
        if (!rehearsed(procs, rootKeys)) {
            return ExitCodes.FAILED;
        }
        long run = procs.beginRun(deadline, batch);
        if (!rootKeys.isEmpty()) {
            procs.addKeys(run, rootKeys);
        }
        Throttle throttle = jobFile.throttle();
        Optional<BatchArchive> archive = Optional.empty();
        if (jobFile.backupArchive().isPresent()) {
            archive = Optional.of(new BatchArchive(jobFile, procs, run, jobFile.backupArchive().get(),
                    procs.databaseName()));
        }
        out.println("Job " + job.name() + ", run " + run + (deadline.map(d -> ", deadline " + d).orElse(""))
                + ", batch size " + batch + (throttle.adaptive() ? " (adaptive: target " + throttle.targetBatchTime()
                .orElseThrow().toMillis() + " ms, " + throttle.minBatchSize() + " to " + throttle.maxBatchSize()
                + " rows)" : "") + (throttle.readsSignals() ? ", throttled (docs/throttle.md)" : "")
                + archive.map(a -> ", archiving every unit into " + a.dir()).orElse(""));
        out.flush();
        begun.accept(run);
        long[] totals = procs.totals(run);
        ProgressBar bar = new ProgressBar(err, options.terminal(), totals[1]);
        PurgeLoop.Outcome outcome;
        // The throttle section is read again between units when the job file changes (docs/throttle.md), and the
        // VACUUM after the run goes on with the limits the run ended with (docs/throttle.md#after-the-run).
        ThrottleFile limits = new ThrottleFile(Optional.of(file), job.name(), throttle);
        // A standby the throttle names (throttle.standbyUrl) is logged into as the job's database is.
        try (HealthSignals signals = dialect.healthSignals(connection, procs.tables(), others)) {
            PurgeLoop loop = new PurgeLoop(procs, batch, deadline, options.stopFile(), bar, signals, limits);
            archive.ifPresent(loop::archivingInto);
            loop.reportingTo(listener);
            outcome = loop.drive(run);
        } catch (SQLException e) {
            if (dialect.classify(e) == ErrorKind.UNREACHABLE) {
                throw new UserError(ExitCodes.FAILED, "lost the connection to the database during run " + run
                        + " of job " + job.name() + " (" + firstLine(e.getMessage()) + "). The unit of work in progress"
                        + " was committed whole or not at all: nothing is lost. Run the same command again to resume.", e);
            }
            throw e;
        }
        out.println(outcome.message());
        if (outcome.exitCode() == ExitCodes.OK && archive.isPresent()) {
            // Written before any expiry: the run's backup may then leave the database (keep: 0).
            archive.get().finish();
            out.println("Run " + run + " archived unit by unit in " + archive.get().dir().toAbsolutePath()
                    + " (check it with 'declutter archive --verify')");
        }
        if (outcome.exitCode() == ExitCodes.OK) {
            expireDue(procs);
        }
        if (outcome.exitCode() == ExitCodes.OK && !options.noVacuum()) {
            vacuum(procs, run, deadline, limits);
        }
        if (outcome.exitCode() == ExitCodes.OK && options.vacuumFull()) {
            vacuumFull(procs, run);
        }
        return outcome.exitCode();
    }

    /** The backups the job's backup.keep says are due, dropped at the end of a run (docs/archive.md#expiry). */
    private void expireDue(JobProcedures procs) throws Exception {
        Optional<java.time.Duration> keep = jobFile.backupKeep();
        if (keep.isEmpty()) {
            return;
        }
        if (!procs.canArchive()) {
            LOG.warn("job {}: backup.keep is not applied on this database yet (docs/archive.md); no backup expires",
                    procs.job());
            return;
        }
        for (long due : Expiry.due(procs, keep.get(), Instant.now())) {
            Expiry.print(out, Expiry.expire(connection, procs, due, false), false);
        }
    }

    /**
     * Whether a new run is worth starting (docs/throttle.md#start-thresholds): with a {@code startWhen} section, at
     * least one of its thresholds must be reached; an unfinished run is always resumed. Below every threshold it says
     * so, with the values measured, and the run exits 0 having done nothing.
     */
    private boolean worthStarting(JobProcedures procs) throws Exception {
        StartWhen when = jobFile.startWhen();
        if (!when.any() || procs.openRun().isPresent()) {
            return true;
        }
        List<StartCheck> checks = dialect.startChecks(connection, jobFile.job(), when);
        boolean reached = checks.stream().anyMatch(StartCheck::reached);
        out.println((reached ? "Job " + procs.job() + ": a start threshold is reached (startWhen):"
                : "Job " + procs.job() + " is below every start threshold (startWhen); nothing done:"));
        checks.forEach(c -> out.println("  " + c.describe()));
        out.flush();
        return reached;
    }

    /**
     * Rehearses a new run (not a resumed one) unless the job file says {@code rehearse: false}
     * (docs/design.md#rehearsal); false when the rehearsal failed: the run is then not started, nothing is changed and
     * no run is recorded. An inconclusive rehearsal (a timeout, a deadlock) is a warning: the run starts, and handles
     * timeouts as always.
     */
    private boolean rehearsed(JobProcedures procs, List<List<String>> rootKeys) throws Exception {
        RehearsalSetting setting = jobFile.rehearse();
        if (procs.openRun().isPresent()) {
            return true; // a resumed run was rehearsed when it started
        }
        if (!setting.enabled()) {
            LOG.info("job {}: no rehearsal ('rehearse: false' in the job file)", procs.job());
            return true;
        }
        if (!procs.canRehearse()) {
            LOG.warn("job {}: no rehearsal on this database (PostgreSQL only); the run starts without one", procs.job());
            return true;
        }
        JobProcedures.Rehearsal r = procs.rehearse(setting.sample().orElse(null), rootKeys);
        String text = Rehearse.describe(procs.job(), r);
        if (r.failed()) {
            out.println(text);
            out.println("The run was not started. Fix the cause (or set 'rehearse: false' in the job file to run"
                    + " without a rehearsal), then run again.");
            return false;
        }
        out.println(r.ok() ? text : text + "\nThe run starts anyway: it retries timeouts as always.");
        out.flush();
        return true;
    }

    private List<List<String>> rootKeys(Job job, JobProcedures procs) throws Exception {
        List<String> given = new ArrayList<>();
        if (options.keys() != null) {
            given.addAll(options.keys());
        }
        if (options.keysFile() != null) {
            Files.readAllLines(options.keysFile()).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .forEach(given::add);
        }
        if (!job.keysAtRunTime()) {
            if (!given.isEmpty()) {
                throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + " selects its root rows itself ("
                        + (job.rootPredicate().isPresent() ? "'root.where'" : job.rows().describe().substring(2)) + ");"
                        + " --keys and --keys-file are for jobs with 'root.keys: runtime'");
            }
            return List.of();
        }
        Optional<Long> open = procs.openRun();
        if (open.isPresent() && procs.cacheStarted(open.get())) {
            if (!given.isEmpty()) {
                LOG.warn("run {} is resumed with the keys it started with; the keys given now are ignored", open.get());
            }
            return List.of();
        }
        if (given.isEmpty()) {
            throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + " takes its root keys at run time:"
                    + " pass --keys or --keys-file");
        }
        return given.stream().map(k -> Arrays.asList(k.split(":", -1))).toList();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /**
     * VACUUM (ANALYZE) of the tables the run deleted rows from, and of no other: a small purge reaching hundreds of
     * closure tables deletes from a few, and visiting the rest costs seconds for nothing
     * (docs/design.md#locks-and-timeouts). Tables that only had references set to NULL are left to autovacuum. Before
     * each table it waits while the job's health signals say hold (docs/throttle.md#after-the-run), until the window
     * ends.
     */
    private void vacuum(JobProcedures procs, long run, Optional<Instant> deadline, ThrottleFile limits)
            throws Exception {
        List<String> lost = procs.tablesThatLostRows(run);
        int untouched = procs.tables().size() - lost.size();
        String done;
        try (HealthSignals signals = dialect.healthSignals(connection, lost, others)) {
            done = dialect.maintain(connection, lost, new VacuumThrottle(signals, limits, deadline, out));
        }
        out.println(done + (untouched == 0 ? "" : "; not visited: " + untouched + " closure table"
                + (untouched == 1 ? "" : "s") + " that lost no row in run " + run));
    }

    /** Whether the job has an unfinished run whose keys are already cached (a resume needs no keys). */
    private static boolean resumable(JobProcedures procs) throws SQLException {
        Optional<Long> open = procs.openRun();
        return open.isPresent() && procs.cacheStarted(open.get());
    }

    /**
     * {@code --vacuum-full} (docs/policy.md#vacuum-full): rewrites the tables run {@code run} deleted rows from, one at
     * a time, each holding an ACCESS EXCLUSIVE lock while it is rewritten; prints the size of each before and after.
     */
    private void vacuumFull(JobProcedures procs, long run) throws Exception {
        List<String> tables = procs.tablesThatLostRows(run);
        out.println("VACUUM FULL of the " + tables.size() + " tables run " + run + " deleted rows from. WARNING:"
                + " each is locked ACCESS EXCLUSIVE (no reads, no writes) while it is rewritten.");
        out.flush();
        for (Dialect.Rewrite r : dialect.vacuumFull(connection, tables)) {
            if (r.wasSkipped()) {
                out.println("  " + r.table() + ": skipped, only its owner may VACUUM FULL it (docs/roles.md)");
                continue;
            }
            out.println("  " + r.table() + ": " + Sizes.human(r.bytesBefore()) + " -> " + Sizes.human(r.bytesAfter())
                    + " (" + Sizes.human(Math.max(0, r.bytesBefore() - r.bytesAfter())) + " given back, "
                    + r.lockHeld().toMillis() + " ms locked)");
            procs.noteRewrite(run, r.table(), r.bytesBefore(), r.bytesAfter(), r.lockHeld());
        }
        out.flush();
    }
}
