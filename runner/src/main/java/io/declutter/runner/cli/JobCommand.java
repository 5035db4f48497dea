package io.declutter.runner.cli;

import io.declutter.config.JobFile;
import io.declutter.config.JobFileReader;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** A command working on one job: reads the job file, connects, and hands both to {@link #call(Context)}. */
abstract class JobCommand implements Callable<Integer> {

    @Option(names = {"-j", "--job"}, required = true, paramLabel = "FILE", description = "the job file (YAML)")
    Path jobFile;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    /** What a job command works with. */
    record Context(JobFile jobFile, Connection connection, Dialect dialect, PrintWriter out, PrintWriter err) {
    }

    /** A command that can work without a database (generate from a recorded catalog) returns its exit code here. */
    Integer callWithoutDatabase(JobFile job) throws Exception {
        return null;
    }

    /** The dialect to use for the database behind the connection (its version, for Oracle). */
    Dialect dialectFor(Dialect byUrl, Connection c) throws java.sql.SQLException {
        return byUrl.forConnection(c);
    }

    @Override
    public final Integer call() throws Exception {
        JobFile job = JobFileReader.read(jobFile);
        Integer offline = callWithoutDatabase(job);
        if (offline != null) {
            return offline;
        }
        String url = connection.settings(job).url().orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT,
                "no database given: set database.url in the job file or pass --jdbc-url"));
        Dialect dialect;
        try {
            dialect = Dialects.forJdbcUrl(url);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        try (Connection c = connection.open(job)) {
            return call(new Context(job, c, dialectFor(dialect, c), spec.commandLine().getOut(),
                    spec.commandLine().getErr()));
        }
    }

    abstract int call(Context ctx) throws Exception;

    /** The job's deployed procedures; a clear error (exit 2) when the job is not deployed in this database. */
    static JobProcedures deployedJob(Context ctx) throws SQLException {
        JobProcedures procs = ctx.dialect().procedures(ctx.connection(), ctx.jobFile().job());
        procs.requireDeployed();
        return procs;
    }
}
