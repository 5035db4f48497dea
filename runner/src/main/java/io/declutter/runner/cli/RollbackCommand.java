package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.StatusReport;
import io.declutter.runner.purge.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.Archive;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;

@Command(name = "rollback", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Puts back every row a run purged, from its backup.",
            "Root to leaves, after a complete or a partial purge; rows still present are skipped. The run ends as"
            + " 'rolled back'. With --from DIR, the backup is first loaded from an archive (declutter archive), after"
            + " checking it against its manifest: the way back for a run whose backup has expired."})
final class RollbackCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @Option(names = "--from", paramLabel = "DIR", description = "load the backup from this archive first")
    Path from;

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return from != null ? "the owner role (" + roles.owner() + "), which alone writes backup tables"
                : "the restorer role (" + roles.restorer() + ")";
    }

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        long run = runOption.resolve(procs, false);
        if (from != null) {
            long loaded = Archive.load(from, ctx.connection(), procs, run);
            ctx.out().println(String.format("Archive %s verified; %,d rows loaded into the backup tables.", from,
                    loaded));
        } else if ("expired".equals(procs.runInfo(run).status())) {
            throw new UserError(ExitCodes.BAD_INPUT, Archive.expiredRefusal(procs, run, "--from DIR"));
        }
        procs.rollback(run);
        StatusReport.RunStatus status = StatusReport.read(ctx.connection(), procs, run);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Verification.triggerEffects(procs.triggerEffects(run), problems, notes);
        if (problems.isEmpty()) {
            ctx.out().println(String.format("Run %d rolled back: %,d rows restored.", run, status.restored()));
        } else {
            // The backed-up rows are back, but not the database as it was: say so rather than claim success.
            ctx.out().println(String.format("Run %d rolled back: %,d rows restored, but not everything the run"
                    + " changed:", run, status.restored()));
            problems.forEach(p -> ctx.out().println("PROBLEM: " + p));
        }
        notes.forEach(n -> ctx.out().println("NOTE: " + n));
        return ExitCodes.OK;
    }
}
