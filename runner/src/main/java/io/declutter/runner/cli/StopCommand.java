package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import picocli.CommandLine.Command;

import java.util.Optional;

@Command(name = "stop", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Asks the job's unfinished run to stop after its current batch.",
            "Sets the pause flag that the runner and the in-database delete procedure check. The next 'run' resumes"
            + " it."})
final class StopCommand extends JobCommand {

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return "the operator role (" + roles.operator() + ")";
    }

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        Optional<Long> open = procs.openRun();
        if (open.isEmpty()) {
            ctx.out().println("Job " + procs.job() + " has no unfinished run; nothing to stop.");
            return ExitCodes.OK;
        }
        procs.requestPause(open.get());
        ctx.out().println("Run " + open.get() + " of job " + procs.job() + " will stop after its current batch.");
        return ExitCodes.OK;
    }
}
