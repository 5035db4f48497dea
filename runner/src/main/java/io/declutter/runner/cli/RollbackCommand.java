package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Puts back every row a run purged, from its backup.",
            "Root to leaves, after a complete or a partial purge; rows still present are skipped. The run ends as"
            + " 'rolled back'."})
final class RollbackCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        long run = runOption.resolve(procs, false);
        procs.rollback(run);
        StatusReport.RunStatus status = StatusReport.read(ctx.connection(), procs, run);
        ctx.out().println(String.format("Run %d rolled back: %,d rows restored.", run, status.restored()));
        return ExitCodes.OK;
    }
}
