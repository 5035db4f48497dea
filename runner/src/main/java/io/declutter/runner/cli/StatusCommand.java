package io.declutter.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.declutter.config.PolicyFile;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;

@Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Shows a run's progress per table.",
            "Cached, deleted, restored, remaining, rate, ETA and errors (default: the job's latest run), when its"
            + " backup expires, and whether the run holds for the throttle, why and for how long (docs/throttle.md)."
            + " Works the same for runs started by cron or pg_cron.",
            "With a policy file of several jobs and no --job, shows the latest run of every job, or says that a job"
            + " is not deployed or has never run (docs/policy.md)."})
final class StatusCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @Option(names = "--json", description = "print JSON for scripts (every job: an array of {job, note, status})")
    boolean json;

    /** Set while showing every job of a policy file: what each job showed, in file order. */
    private ArrayNode every;

    @Override
    Integer callForEveryJob(PolicyFile policy) throws Exception {
        if (runOption.run != null) {
            throw new UserError(ExitCodes.BAD_INPUT, "--run goes with --job NAME: run ids are per job, and "
                    + jobFile + " holds " + policy.jobs().size() + " jobs (" + String.join(", ", policy.names()) + ")");
        }
        every = new ObjectMapper().createArrayNode();
        for (io.declutter.config.JobFile job : policy.jobs()) {
            callFor(job);
        }
        if (json) {
            spec.commandLine().getOut().println(every.toPrettyString());
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    @Override
    String neededRole(io.declutter.model.DatabaseRoles roles) {
        return "the viewer role (" + roles.viewer() + "; the operator and the restorer are members)";
    }

    @Override
    int call(Context ctx) throws Exception {
        if (every != null) {
            return callForOneOfEvery(ctx);
        }
        JobProcedures procs = deployedJob(ctx);
        StatusReport.RunStatus status = StatusReport.read(ctx.connection(), procs, runOption.resolve(procs, true),
                ctx.jobFile().backupKeep());
        ctx.out().println(json ? StatusReport.json(status) : StatusReport.text(status));
        return ExitCodes.OK;
    }

    /** One job of a policy file: its latest run, or why there is none. */
    private int callForOneOfEvery(Context ctx) throws Exception {
        String name = ctx.jobFile().job().name();
        ObjectNode entry = every.addObject().put("job", name);
        JobProcedures procs = ctx.dialect().procedures(ctx.connection(), ctx.jobFile().job());
        String note = null;
        Optional<Long> latest = Optional.empty();
        try {
            procs.requireDeployed();
            latest = procs.latestRun();
            if (latest.isEmpty()) {
                note = "has never run";
            }
        } catch (RefusedException e) {
            if (e.kind() != ErrorKind.BAD_INPUT) {
                throw e;
            }
            note = "is not deployed in this database (declutter deploy -j " + jobFile + " --job " + name + ")";
        }
        entry.put("note", note);
        StatusReport.RunStatus status = latest.isEmpty() ? null
                : StatusReport.read(ctx.connection(), procs, latest.get(), ctx.jobFile().backupKeep());
        if (json) {
            entry.set("status", status == null ? null : new ObjectMapper().readTree(StatusReport.json(status)));
        } else {
            ctx.out().println();
            ctx.out().println("== Job " + name);
            ctx.out().println(status == null ? "Job " + name + " " + note + "." : StatusReport.text(status));
        }
        return ExitCodes.OK;
    }
}
