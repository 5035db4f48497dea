package io.declutter.runner.cli;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.PlanReport;
import io.declutter.runner.purge.Planning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Shows the job's plan and its pre-flight checks, changing nothing.",
            "The control table (edges, depth, height, estimated rows), the closure as a tree, and the checks:"
            + " unindexed foreign keys, blocking edges, triggers, cycles. Exits 2 when the job cannot run as defined."})
final class PlanCommand extends JobCommand {

    @Option(names = "--index-ddl", description = "print only the statements that index the unindexed foreign keys without blocking writes")
    boolean indexDdl;

    @Override
    int call(Context ctx) throws Exception {
        Planning.Result r = Planning.plan(ctx.connection(), ctx.dialect(), ctx.jobFile().job());
        if (indexDdl) {
            PlanReport.indexDdl(r.plan(), ctx.dialect()).forEach(ctx.out()::println);
        } else {
            ctx.out().print(PlanReport.text(r.plan(), r.catalog(), ctx.dialect()));
        }
        ctx.out().flush();
        if (!r.plan().errors().isEmpty()) {
            ctx.err().println("declutter: job " + ctx.jobFile().job().name() + " cannot run as defined: see the ERROR lines above");
            return ExitCodes.BAD_INPUT;
        }
        return ExitCodes.OK;
    }
}
