package io.declutter.runner.cli;

import io.declutter.config.Durations;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the job's purge, or resumes its unfinished run.",
            "Caches and backs up the closure, then deletes it in batches, leaves first, one transaction per batch,"
            + " until done or the window ends. Shows progress. Afterwards VACUUM (ANALYZE) runs on the tables that lost"
            + " rows (without truncation, which would lock them exclusively), each when the health signals say go"
            + " (docs/throttle.md#after-the-run); on Oracle, statistics are gathered. Before"
            + " that, the backups the job's backup.keep says are due expire (docs/archive.md).",
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

    /** The options as {@link JobRun} takes them; their mistakes are errors (exit 2) before anything is done. */
    private JobRun.Options options() {
        return new JobRun.Options(batchSize, maxDuration, ignoreWindow, Optional.ofNullable(stopFile), keys, keysFile,
                noVacuum, vacuumFull, sequence != null, sequence == null ? Optional.empty() : sequence.maxDurationEnd(),
                System.console() != null);
    }

    private void checkOptions() {
        options();
    }

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return "the operator role (" + roles.operator() + ")";
    }

    /** The run itself lives in {@link JobRun}, which {@code serve} uses too (docs/serve.md). */
    @Override
    int call(Context ctx) throws Exception {
        JobRun.Options options = options();
        io.declutter.config.DatabaseSettings settings = connection.settings(ctx.jobFile());
        return new JobRun(ctx.jobFile(), jobFile, ctx.connection(), ctx.dialect(), ctx.out(), ctx.err(), options)
                .connectingOthersWith(url -> io.declutter.runner.db.Connections.open(url, settings.user(),
                        settings.password(System.getenv())))
                .call();
    }
}
