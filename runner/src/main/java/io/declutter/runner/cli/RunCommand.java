package io.declutter.runner.cli;

import io.declutter.config.Durations;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.model.Job;
import io.declutter.model.Window;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.BatchArchive;
import io.declutter.runner.purge.Expiry;
import io.declutter.runner.purge.ProgressBar;
import io.declutter.runner.purge.PurgeLoop;
import io.declutter.runner.purge.Rehearse;
import io.declutter.runner.purge.ThrottleFile;
import io.declutter.model.Throttle;
import io.declutter.model.StartWhen;
import io.declutter.dialect.StartCheck;
import io.declutter.config.RehearsalSetting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the job's purge, or resumes its unfinished run.",
            "Caches and backs up the closure, then deletes it in batches, leaves first, one transaction per batch,"
            + " until done or the window ends. Shows progress. Afterwards VACUUM (ANALYZE) runs on the purged tables"
            + " (without truncation, which would lock them exclusively); on Oracle, statistics are gathered. Then the"
            + " backups the job's backup.keep says are due expire (docs/archive.md).",
            "With backup.archive in the job file, every unit's backup rows are written to DIR/run-N and fsynced"
            + " before the unit commits (docs/archive.md#archive-before-delete).",
            "Before every unit it reads the health signals the job file's 'throttle' section limits and holds while"
            + " one says hold (docs/throttle.md); that section is read again between units when the file changes.",
            "With a 'startWhen' section, a new run starts only when one of its thresholds is reached; below them it"
            + " says why and exits 0.",
            "With a policy file of several jobs and no --job, runs its jobs one after another, in file order"
            + " (docs/policy.md#run): a job below its start thresholds or whose window is closed is skipped with the"
            + " reason; the first job that does not end with 0 (the window's end: 4) stops the sequence, and its exit"
            + " code is the command's."})
final class RunCommand extends JobCommand {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--batch-size", paramLabel = "ROWS", description = "rows per delete batch (default: the job's batchSize)")
    Integer batchSize;

    @Option(names = "--max-duration", paramLabel = "DURATION", description = "stop after this long, e.g. 45min, 6h")
    String maxDuration;

    @Option(names = "--ignore-window", description = "run now even outside the job's window (its end still applies)")
    boolean ignoreWindow;

    @Option(names = "--stop-file", paramLabel = "FILE", description = "stop cleanly (resumable) when this file appears")
    Path stopFile;

    @Option(names = "--keys", split = ",", paramLabel = "KEY", description = "root keys for jobs with 'keys: runtime' (composite: parts joined by ':')")
    List<String> keys;

    @Option(names = "--keys-file", paramLabel = "FILE", description = "root keys, one per line (composite: parts joined by ':')")
    Path keysFile;

    @Option(names = "--no-vacuum", description = "skip VACUUM (ANALYZE) of the purged tables after a complete run")
    boolean noVacuum;

    @Option(names = "--vacuum-full", description = "after a complete run, also rewrite each table that lost rows"
            + " (PostgreSQL: VACUUM FULL) to give its space back. WARNING: takes an ACCESS EXCLUSIVE lock on each"
            + " table while it is rewritten (no reads, no writes) and needs room for a full copy")
    boolean vacuumFull;

    /** Set while running every job of a policy file (docs/policy.md#run). */
    private Sequence sequence;

    /** A run of every job of a policy file: when it started, and when --max-duration ends it. */
    private record Sequence(ZonedDateTime started, Optional<Instant> maxDurationEnd) {
    }

    /**
     * {@code run} without {@code --job} on a policy file of several jobs (docs/policy.md#run): each job in file order,
     * as {@code run --job NAME} would run it; a job whose window is closed when the command starts, or below its start
     * thresholds, is skipped with the reason; the first one that does not end with 0 stops the sequence.
     */
    @Override
    Integer callForEveryJob(io.declutter.config.PolicyFile policy) throws Exception {
        if (keys != null || keysFile != null) {
            throw new UserError(ExitCodes.BAD_INPUT, "--keys and --keys-file go with --job NAME: " + jobFile
                    + " holds " + policy.jobs().size() + " jobs (" + String.join(", ", policy.names()) + ")");
        }
        checkOptions();
        ZonedDateTime started = ZonedDateTime.now();
        sequence = new Sequence(started, Optional.ofNullable(maxDuration)
                .map(d -> started.toInstant().plus(Durations.parse("--max-duration", d))));
        java.io.PrintWriter out = spec.commandLine().getOut();
        List<io.declutter.config.JobFile> jobs = policy.jobs();
        int closed = 0;
        for (int i = 0; i < jobs.size(); i++) {
            io.declutter.config.JobFile job = jobs.get(i);
            String name = job.job().name();
            out.println();
            out.println("== Job " + name + " (" + (i + 1) + " of " + jobs.size() + ")");
            out.flush();
            if (!ignoreWindow && !job.window().contains(started)) {
                out.println("Job " + name + ": its window (" + job.window().start().orElseThrow() + " to "
                        + job.window().end().orElseThrow() + ") is closed; skipped.");
                closed++;
                continue;
            }
            int code;
            try {
                code = callFor(job);
            } catch (Exception e) {
                notStarted(out, jobs.subList(i + 1, jobs.size()), "job " + name + " ended with an error");
                throw e;
            }
            if (code != ExitCodes.OK) {
                notStarted(out, jobs.subList(i + 1, jobs.size()), "job " + name + " ended with exit code " + code);
                return code;
            }
        }
        out.println();
        if (closed == jobs.size()) {
            out.println("The window of every job of " + jobFile + " is closed; nothing done. Use --ignore-window to"
                    + " run now.");
            return ExitCodes.STOPPED;
        }
        out.println("Every job of " + jobFile + " is done or skipped.");
        return ExitCodes.OK;
    }

    private static void notStarted(java.io.PrintWriter out, List<io.declutter.config.JobFile> rest, String why) {
        out.println();
        out.println("The sequence stops: " + why + (rest.isEmpty() ? "." : "; not started: " + String.join(", ",
                rest.stream().map(j -> j.job().name()).toList()) + ". Run the same command again to go on"
                + " (an unfinished run is resumed)."));
        out.flush();
    }

    private void checkOptions() {
        if (batchSize != null && batchSize < 1) {
            throw new UserError(ExitCodes.BAD_INPUT, "--batch-size must be at least 1");
        }
        if (noVacuum && vacuumFull) {
            throw new UserError(ExitCodes.BAD_INPUT, "--no-vacuum and --vacuum-full contradict each other; give one");
        }
    }

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return "the operator role (" + roles.operator() + ")";
    }

    @Override
    int call(Context ctx) throws Exception {
        checkOptions();
        Job job = ctx.jobFile().job();
        JobProcedures procs = deployedJob(ctx);
        if (vacuumFull && !ctx.dialect().canVacuumFull()) {
            throw new UserError(ExitCodes.BAD_INPUT, ctx.dialect().vacuumFullRefusal());
        }
        Window window = ctx.jobFile().window();
        ZonedDateTime now = ZonedDateTime.now();
        if (!ignoreWindow && !window.contains(now)) {
            ctx.out().println((sequence == null ? "Outside the window of job " + job.name()
                    : "The window of job " + job.name() + " ended before its turn") + " (" + window.start().orElseThrow()
                    + " to " + window.end().orElseThrow() + "); nothing done. Use --ignore-window to run now.");
            return ExitCodes.STOPPED;
        }
        Optional<Instant> deadline = window.deadline(now).map(ZonedDateTime::toInstant);
        Optional<Instant> byDuration = sequence != null ? sequence.maxDurationEnd() : Optional.ofNullable(maxDuration)
                .map(d -> now.toInstant().plus(Durations.parse("--max-duration", d)));
        if (byDuration.isPresent()) {
            Instant end = byDuration.get();
            if (!end.isAfter(now.toInstant())) {
                ctx.out().println("--max-duration " + maxDuration + " is over before job " + job.name()
                        + "; nothing done.");
                return ExitCodes.STOPPED;
            }
            deadline = Optional.of(deadline.filter(d -> d.isBefore(end)).orElse(end));
        }
        if (sequence != null && job.keysAtRunTime() && !resumable(procs)) {
            ctx.out().println("Job " + job.name() + " takes its root keys at run time; skipped (run it alone: declutter"
                    + " run -j " + jobFile + " --job " + job.name() + " --keys ...).");
            return ExitCodes.OK;
        }
        List<List<String>> rootKeys = rootKeys(job, procs);
        int batch = batchSize != null ? batchSize : job.batchSize();

        if (ctx.jobFile().backupArchive().isPresent() && !procs.canArchive()) {
            throw new UserError(ExitCodes.BAD_INPUT, "job " + job.name() + ": backup.archive is not available for"
                    + " this database yet (PostgreSQL only, docs/archive.md); remove it from the job file to run");
        }
        if (!worthStarting(ctx, procs)) {
            return ExitCodes.OK;
        }
        procs.lockJob();
        if (!rehearsed(ctx, procs, rootKeys)) {
            return ExitCodes.FAILED;
        }
        long run = procs.beginRun(deadline, batch);
        if (!rootKeys.isEmpty()) {
            procs.addKeys(run, rootKeys);
        }
        Throttle throttle = ctx.jobFile().throttle();
        Optional<BatchArchive> archive = Optional.empty();
        if (ctx.jobFile().backupArchive().isPresent()) {
            archive = Optional.of(new BatchArchive(ctx.jobFile(), procs, run, ctx.jobFile().backupArchive().get(),
                    procs.databaseName()));
        }
        ctx.out().println("Job " + job.name() + ", run " + run + (deadline.map(d -> ", deadline " + d).orElse(""))
                + ", batch size " + batch + (throttle.adaptive() ? " (adaptive: target " + throttle.targetBatchTime()
                .orElseThrow().toMillis() + " ms, " + throttle.minBatchSize() + " to " + throttle.maxBatchSize()
                + " rows)" : "") + (throttle.readsSignals() ? ", throttled (docs/throttle.md)" : "")
                + archive.map(a -> ", archiving every unit into " + a.dir()).orElse(""));
        ctx.out().flush();
        long[] totals = procs.totals(run);
        ProgressBar bar = new ProgressBar(ctx.err(), System.console() != null, totals[1]);
        PurgeLoop.Outcome outcome;
        // A standby the throttle names (throttle.standbyUrl) is logged into as the job's database is.
        io.declutter.config.DatabaseSettings settings = connection.settings(ctx.jobFile());
        try (io.declutter.dialect.HealthSignals signals = ctx.dialect().healthSignals(ctx.connection(), procs.tables(),
                url -> io.declutter.runner.db.Connections.open(url, settings.user(),
                        settings.password(System.getenv())))) {
            // The throttle section is read again between units when the job file changes (docs/throttle.md).
            PurgeLoop loop = new PurgeLoop(procs, batch, deadline, Optional.ofNullable(stopFile), bar, signals,
                    new ThrottleFile(Optional.of(jobFile), job.name(), throttle));
            archive.ifPresent(loop::archivingInto);
            outcome = loop.drive(run);
        } catch (SQLException e) {
            if (ctx.dialect().classify(e) == ErrorKind.UNREACHABLE) {
                throw new UserError(ExitCodes.FAILED, "lost the connection to the database during run " + run
                        + " of job " + job.name() + " (" + firstLine(e.getMessage()) + "). The unit of work in progress"
                        + " was committed whole or not at all: nothing is lost. Run the same command again to resume.", e);
            }
            throw e;
        }
        ctx.out().println(outcome.message());
        if (outcome.exitCode() == ExitCodes.OK && archive.isPresent()) {
            // Written before any expiry: the run's backup may then leave the database (keep: 0).
            archive.get().finish();
            ctx.out().println("Run " + run + " archived unit by unit in " + archive.get().dir().toAbsolutePath()
                    + " (check it with 'declutter archive --verify')");
        }
        if (outcome.exitCode() == ExitCodes.OK) {
            expireDue(ctx, procs);
        }
        if (outcome.exitCode() == ExitCodes.OK && !noVacuum) {
            vacuum(ctx, procs, run);
        }
        if (outcome.exitCode() == ExitCodes.OK && vacuumFull) {
            vacuumFull(ctx, procs, run);
        }
        return outcome.exitCode();
    }

    /** The backups the job's backup.keep says are due, dropped at the end of a run (docs/archive.md#expiry). */
    private static void expireDue(Context ctx, JobProcedures procs) throws Exception {
        Optional<java.time.Duration> keep = ctx.jobFile().backupKeep();
        if (keep.isEmpty()) {
            return;
        }
        if (!procs.canArchive()) {
            LOG.warn("job {}: backup.keep is not applied on this database yet (PostgreSQL only); no backup expires",
                    procs.job());
            return;
        }
        for (long due : Expiry.due(procs, keep.get(), Instant.now())) {
            Expiry.print(ctx.out(), Expiry.expire(ctx.connection(), procs, due, false), false);
        }
    }

    /**
     * Whether a new run is worth starting (docs/throttle.md#start-thresholds): with a {@code startWhen} section, at
     * least one of its thresholds must be reached; an unfinished run is always resumed. Below every threshold it says
     * so, with the values measured, and the run exits 0 having done nothing.
     */
    private boolean worthStarting(Context ctx, JobProcedures procs) throws Exception {
        StartWhen when = ctx.jobFile().startWhen();
        if (!when.any() || procs.openRun().isPresent()) {
            return true;
        }
        List<StartCheck> checks = ctx.dialect().startChecks(ctx.connection(), ctx.jobFile().job(), when);
        boolean reached = checks.stream().anyMatch(StartCheck::reached);
        ctx.out().println((reached ? "Job " + procs.job() + ": a start threshold is reached (startWhen):"
                : "Job " + procs.job() + " is below every start threshold (startWhen); nothing done:"));
        checks.forEach(c -> ctx.out().println("  " + c.describe()));
        ctx.out().flush();
        return reached;
    }

    /**
     * Rehearses a new run (not a resumed one) unless the job file says {@code rehearse: false}
     * (docs/design.md#rehearsal); false when the rehearsal failed: the run is then not started, nothing is changed and
     * no run is recorded. An inconclusive rehearsal (a timeout, a deadlock) is a warning: the run starts, and handles
     * timeouts as always.
     */
    private boolean rehearsed(Context ctx, JobProcedures procs, List<List<String>> rootKeys) throws Exception {
        RehearsalSetting setting = ctx.jobFile().rehearse();
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
            ctx.out().println(text);
            ctx.out().println("The run was not started. Fix the cause (or set 'rehearse: false' in the job file to run"
                    + " without a rehearsal), then run again.");
            return false;
        }
        ctx.out().println(r.ok() ? text : text + "\nThe run starts anyway: it retries timeouts as always.");
        ctx.out().flush();
        return true;
    }

    private List<List<String>> rootKeys(Job job, JobProcedures procs) throws Exception {
        List<String> given = new ArrayList<>();
        if (keys != null) {
            given.addAll(keys);
        }
        if (keysFile != null) {
            Files.readAllLines(keysFile).stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(given::add);
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
     * (docs/design.md#locks-and-timeouts). Tables that only had references set to NULL are left to autovacuum.
     */
    private void vacuum(Context ctx, JobProcedures procs, long run) throws Exception {
        List<String> lost = procs.tablesThatLostRows(run);
        int untouched = procs.tables().size() - lost.size();
        ctx.out().println(ctx.dialect().maintain(ctx.connection(), lost) + (untouched == 0 ? "" : "; not visited: "
                + untouched + " closure table" + (untouched == 1 ? "" : "s") + " that lost no row in run " + run));
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
    private static void vacuumFull(Context ctx, JobProcedures procs, long run) throws Exception {
        List<String> tables = procs.tablesThatLostRows(run);
        ctx.out().println("VACUUM FULL of the " + tables.size() + " tables run " + run + " deleted rows from. WARNING:"
                + " each is locked ACCESS EXCLUSIVE (no reads, no writes) while it is rewritten.");
        ctx.out().flush();
        for (io.declutter.dialect.Dialect.Rewrite r : ctx.dialect().vacuumFull(ctx.connection(), tables)) {
            if (r.wasSkipped()) {
                ctx.out().println("  " + r.table() + ": skipped, only its owner may VACUUM FULL it (docs/roles.md)");
                continue;
            }
            ctx.out().println("  " + r.table() + ": " + io.declutter.runner.audit.Sizes.human(r.bytesBefore()) + " -> "
                    + io.declutter.runner.audit.Sizes.human(r.bytesAfter()) + " (" + io.declutter.runner.audit.Sizes
                    .human(Math.max(0, r.bytesBefore() - r.bytesAfter())) + " given back, "
                    + r.lockHeld().toMillis() + " ms locked)");
            procs.noteRewrite(run, r.table(), r.bytesBefore(), r.bytesAfter(), r.lockHeld());
        }
        ctx.out().flush();
    }
}
