package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import picocli.CommandLine.Option;

import java.sql.SQLException;

/** {@code --run N}, defaulting to the job's latest run where a command allows it. */
final class RunOption {

    @Option(names = "--run", paramLabel = "N", description = "run id (see 'declutter status')")
    Long run;

    long resolve(JobProcedures procs, boolean latestByDefault) throws SQLException {
        if (run != null) {
            procs.runInfo(run);
            return run;
        }
        if (!latestByDefault) {
            throw new UserError(ExitCodes.BAD_INPUT, "give the run with --run N ('declutter status' shows the latest)");
        }
        return procs.latestRun().orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT,
                "job " + procs.job() + " has never run"));
    }
}
