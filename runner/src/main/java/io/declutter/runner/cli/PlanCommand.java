package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.picture.PlanPictures;
import io.declutter.runner.purge.PlanReport;
import io.declutter.runner.purge.Planning;
import io.declutter.runner.purge.Rehearse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

@Command(name = "plan", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Shows the job's plan and its pre-flight checks, changing nothing.",
            "The control table (edges, depth, height, estimated rows), the closure as a tree, and the checks:"
            + " unindexed foreign keys, blocking edges, triggers, cycles. Exits 2 when the job cannot run as defined.",
            "With --dot or --html, also draws the closure: tables, edges and findings.",
            "With --rehearse (the job deployed), then purges the closure of a sample of root rows in a transaction that"
            + " is rolled back, and exits 1 naming the table and the statement when something fails."})
final class PlanCommand extends JobCommand {

    @Option(names = "--index-ddl", description = "print only the statements that index the unindexed foreign keys without blocking writes")
    boolean indexDdl;

    @Option(names = "--rehearse", description = "after the plan, rehearse a new run of the deployed job: purge the"
            + " closure of a sample of root rows and roll it back; exit 1 with the table and the statement on a failure")
    boolean rehearse;

    @Option(names = "--sample", paramLabel = "N|all", description = "root rows whose closure --rehearse purges"
            + " (default " + io.declutter.config.RehearsalSetting.DEFAULT_SAMPLE + "; all: every matching root row)")
    String sample;

    @Option(names = "--keys", split = ",", paramLabel = "KEY", description = "with --rehearse, root keys for jobs with"
            + " 'keys: runtime' (composite: parts joined by ':')")
    List<String> keys;

    @Option(names = "--dot", paramLabel = "FILE", description = "also write the closure as a Graphviz DOT graph"
            + " (docs/plan-picture.md)")
    java.nio.file.Path dot;

    @Option(names = "--html", paramLabel = "FILE", description = "also write the closure as a self-contained HTML"
            + " page: the graph with search, collapsible subtrees and the findings marked")
    java.nio.file.Path html;

    @Override
    int call(Context ctx) throws Exception {
        PlanPictures.checkWritable("--dot", dot);
        PlanPictures.checkWritable("--html", html);
        Planning.Result r = Planning.plan(ctx.connection(), ctx.dialect(), ctx.jobFile().job());
        if (indexDdl) {
            PlanReport.indexDdl(r.plan(), ctx.dialect()).forEach(ctx.out()::println);
        } else {
            ctx.out().print(PlanReport.text(r.plan(), r.catalog(), ctx.dialect()));
        }
        String pictures = PlanPictures.write(r.plan(), r.catalog(), dot, html);
        if (!indexDdl) {
            ctx.out().print(pictures);
        }
        io.declutter.model.StartWhen when = ctx.jobFile().startWhen();
        if (!indexDdl && when.any() && r.plan().errors().isEmpty()) {
            // docs/throttle.md#start-thresholds: what 'run' would measure now
            ctx.out().println();
            ctx.out().println("Start thresholds (startWhen; a run starts when one is reached):");
            for (io.declutter.dialect.StartCheck c : ctx.dialect().startChecks(ctx.connection(), ctx.jobFile().job(),
                    when)) {
                ctx.out().println("  " + c.describe());
            }
        }
        ctx.out().flush();
        if (!r.plan().errors().isEmpty()) {
            ctx.err().println("declutter: job " + ctx.jobFile().job().name() + " cannot run as defined: see the ERROR lines above");
            return ExitCodes.BAD_INPUT;
        }
        if (rehearse) {
            return rehearse(ctx);
        }
        if (sample != null || keys != null) {
            throw new UserError(ExitCodes.BAD_INPUT, "--sample and --keys go with --rehearse");
        }
        return ExitCodes.OK;
    }

    private int rehearse(Context ctx) throws Exception {
        Integer rows = sample(sample);
        JobProcedures procs = deployedJob(ctx);
        if (!procs.canRehearse()) {
            throw new UserError(ExitCodes.BAD_INPUT, "job " + procs.job() + ": a rehearsal is not available for this"
                    + " database yet (PostgreSQL only)");
        }
        boolean keyed = ctx.jobFile().job().keysAtRunTime();
        if (keyed != (keys != null)) {
            throw new UserError(ExitCodes.BAD_INPUT, keyed ? "job " + procs.job() + " takes its root keys at run time:"
                    + " pass the keys to rehearse with --keys" : "--keys is for jobs with 'root.keys: runtime'");
        }
        List<List<String>> rootKeys = keys == null ? List.of()
                : keys.stream().map(k -> Arrays.asList(k.split(":", -1))).toList();
        procs.lockJob();
        JobProcedures.Rehearsal r = procs.rehearse(rows, rootKeys);
        ctx.out().println();
        ctx.out().println(Rehearse.describe(procs.job(), r));
        ctx.out().flush();
        return r.ok() ? ExitCodes.OK : r.failed() ? ExitCodes.FAILED : ExitCodes.STOPPED;
    }

    /** {@code --sample}: a number of root rows, {@code all} (null), or the default. */
    static Integer sample(String text) {
        if (text == null) {
            return io.declutter.config.RehearsalSetting.DEFAULT_SAMPLE;
        }
        if ("all".equalsIgnoreCase(text.strip())) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(ExitCodes.BAD_INPUT, "--sample: '" + text + "' is not a number of root rows (at least 1)"
                + " or 'all'");
    }
}
