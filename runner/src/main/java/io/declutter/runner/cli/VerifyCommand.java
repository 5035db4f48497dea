package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Checks what a run backed up, deleted and left behind.",
            "Counts per table the rows a run backed up, how many are still present or gone, and orphans pointing at"
            + " purged rows; exits 1 when the counts contradict the run's status."})
final class VerifyCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return "the viewer role (" + roles.viewer() + "; the operator and the restorer are members)";
    }

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        Verification.Result result = Verification.verify(ctx.connection(), procs, runOption.resolve(procs, true));
        ctx.out().print(Verification.text(result));
        ctx.out().flush();
        return result.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
