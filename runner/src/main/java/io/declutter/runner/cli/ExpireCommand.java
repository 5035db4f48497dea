package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.Expiry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;

@Command(name = "expire", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Drops the backup rows of finished runs (backups that expire).",
            "With --run N, that run's backup; without, every finished run that ended longer ago than the job's"
            + " backup.keep. The run is marked 'expired' with who and when; it can then be rolled back only from an"
            + " archive (rollback --from DIR, docs/archive.md)."})
final class ExpireCommand extends JobCommand {

    @Option(names = "--run", paramLabel = "N", description = "the run whose backup to drop now")
    Long run;

    @Option(names = "--dry-run", description = "say what would be dropped; change nothing")
    boolean dryRun;

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        if (!procs.canArchive()) {
            throw new UserError(ExitCodes.BAD_INPUT, "expire is not available for this database yet (PostgreSQL"
                    + " only, docs/archive.md)");
        }
        List<Long> runs;
        if (run != null) {
            String status = procs.runInfo(run).status();
            if (!List.of("done", "rolled back", "expired").contains(status)) {
                throw new UserError(ExitCodes.BAD_INPUT, "run " + run + " is " + status + ": only a finished run"
                        + " (done or rolled back) can expire; an unfinished run needs its backup");
            }
            runs = List.of(run);
        } else {
            var keep = ctx.jobFile().backupKeep().orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, "job "
                    + procs.job() + " sets no backup.keep: give the run with --run N, or set 'backup: {keep: 30d}'"));
            runs = Expiry.due(procs, keep, Instant.now());
            if (runs.isEmpty()) {
                ctx.out().println("No backup is due to expire (backup.keep: " + Expiry.describe(keep) + ").");
            }
        }
        for (long r : runs) {
            Expiry.print(ctx.out(), Expiry.expire(ctx.connection(), procs, r, dryRun), dryRun);
        }
        return ExitCodes.OK;
    }
}
