package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Shows a run's progress per table.",
            "Cached, deleted, restored, remaining, rate, ETA and errors (default: the job's latest run), when its"
            + " backup expires, and whether the run holds for the throttle, why and for how long (docs/throttle.md)."
            + " Works the same for runs started by cron or pg_cron."})
final class StatusCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return "the viewer role (" + roles.viewer() + "; the operator and the restorer are members)";
    }

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        StatusReport.RunStatus status = StatusReport.read(ctx.connection(), procs, runOption.resolve(procs, true),
                ctx.jobFile().backupKeep());
        ctx.out().println(json ? StatusReport.json(status) : StatusReport.text(status));
        return ExitCodes.OK;
    }
}
