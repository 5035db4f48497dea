package io.declutter.runner.cli;

import io.declutter.config.JobFile;
import io.declutter.config.JobFileReader;
import io.declutter.config.PolicyFile;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.dialect.ErrorKind;
import io.declutter.model.DatabaseRoles;
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

/**
 * A command working on one job: reads the job file (or the job {@code --job} names in a policy file,
 * docs/policy.md), connects, and hands both to {@link #call(Context)}.
 */
abstract class JobCommand implements Callable<Integer> {

    @Option(names = {"-j", "--job-file"}, required = true, paramLabel = "FILE",
            description = "the job file, or a policy file of several jobs (YAML; docs/policy.md)")
    Path jobFile;

    @Option(names = "--job", paramLabel = "NAME", description = "the job of a policy file to work on (needed when it"
            + " holds several)")
    String jobName;

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

    /**
     * A command that can work on every job of a policy file when no {@code --job} is given ({@code run},
     * {@code status}) returns its exit code here; null: it works on one job, which {@code --job} must name.
     */
    Integer callForEveryJob(PolicyFile policy) throws Exception {
        return null;
    }

    @Override
    public final Integer call() throws Exception {
        PolicyFile policy = JobFileReader.readPolicy(jobFile);
        if (jobName == null && policy.jobs().size() > 1) {
            Integer all = callForEveryJob(policy);
            if (all != null) {
                return all;
            }
            throw new UserError(ExitCodes.BAD_INPUT, jobFile + " holds " + policy.jobs().size() + " jobs ("
                    + String.join(", ", policy.names()) + "): name the one to " + spec.name() + " with --job NAME");
        }
        return callFor(selected(policy));
    }

    /** The job {@code --job} names, or the file's only job. */
    JobFile selected(PolicyFile policy) {
        if (jobName == null) {
            return policy.jobs().get(0);
        }
        return policy.find(jobName).orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, jobFile + (policy.jobs()
                .size() == 1 ? " holds only job " + policy.names().get(0) + ", not '" + jobName + "'"
                : " holds no job named '" + jobName + "'; its jobs are " + String.join(", ", policy.names()))));
    }

    /** The command on one job: without a database when it can, else connected to the job's. */
    Integer callFor(JobFile job) throws Exception {
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
            Dialect d = dialectFor(dialect, c);
            try {
                return call(new Context(job, c, d, spec.commandLine().getOut(), spec.commandLine().getErr()));
            } catch (SQLException e) {
                if (d.classify(e) == ErrorKind.NO_PRIVILEGE) {
                    throw new UserError(ExitCodes.BAD_INPUT, missingPrivilege(job, c, e), e);
                }
                throw e;
            }
        }
    }

    /**
     * The role of docs/roles.md this command needs, named as the job file's {@code roles} section names it: the owner
     * unless the command says otherwise.
     */
    String neededRole(DatabaseRoles roles) {
        return "the owner role (" + roles.owner() + ")";
    }

    /** What the database refused, and whom to connect as instead (docs/roles.md). */
    private String missingPrivilege(JobFile job, Connection c, SQLException e) {
        String user;
        try {
            user = c.getMetaData().getUserName();
        } catch (SQLException ignored) {
            user = "the role connected";
        }
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        int nl = message.indexOf('\n');
        return "'" + spec.name() + "' was refused a privilege: " + (nl < 0 ? message : message.substring(0, nl))
                + ". " + user + " lacks it: connect as a role that has " + neededRole(job.roles())
                + ", i.e. a member of it (roles.sql, written by 'declutter generate', grants it; docs/roles.md)";
    }

    abstract int call(Context ctx) throws Exception;


    /** The job's deployed procedures; a clear error (exit 2) when the job is not deployed in this database. */
    static JobProcedures deployedJob(Context ctx) throws SQLException {
        JobProcedures procs = ctx.dialect().procedures(ctx.connection(), ctx.jobFile().job());
        procs.requireDeployed();
        return procs;
    }
}
