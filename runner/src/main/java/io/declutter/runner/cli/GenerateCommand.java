package io.declutter.runner.cli;

import io.declutter.dialect.GeneratedFile;
import io.declutter.model.InvalidJobException;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.Deployer;
import io.declutter.runner.purge.Planning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

@Command(name = "generate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Writes the job's SQL and its Liquibase changelog into a directory.",
            "One file per database object, install.sql for psql -f (SQL*Plus/SQLcl on Oracle), and changelog.xml for"
            + " Liquibase. Same schema and job file: same bytes. With --catalog, from a recorded catalog, without"
            + " connecting.",
            "Also roles.sql: the least-privilege roles of the job file's 'roles' section and their grants, for a DBA"
            + " to run after each deploy (docs/roles.md); deploy does not run it."})
final class GenerateCommand extends JobCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (default: generated/<job>)")
    Path output;

    @Option(names = "--dialect", paramLabel = "NAME", description = "postgres, oracle (19c and later: 128-byte names)"
            + " or oracle:<version>, e.g. oracle:12.1 (30-byte names); default: from the JDBC URL and the database")
    String dialectName;

    @Option(names = "--catalog", paramLabel = "DIR", description = "generate from a recorded catalog (the rows of the"
            + " dialect's catalog queries, one .tsv file per query) instead of a database, e.g. sql/demo/oracle/catalog")
    Path catalog;

    @Override
    Integer callWithoutDatabase(io.declutter.config.JobFile job) throws Exception {
        if (catalog == null) {
            return null;
        }
        io.declutter.dialect.Dialect dialect = dialect(job);
        io.declutter.model.Catalog recorded;
        try {
            recorded = io.declutter.introspect.RecordedCatalog.read(catalog, dialect);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new UserError(ExitCodes.BAD_INPUT, "--catalog " + catalog + ": " + e.getMessage(), e);
        }
        io.declutter.model.PurgePlan plan;
        try {
            plan = dialect.plan(recorded, job.job());
        } catch (InvalidJobException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        List<GeneratedFile> files = render(dialect, job, plan);
        Path dir = output != null ? output : Path.of("generated", job.job().name());
        Deployer.write(files, dir);
        spec.commandLine().getOut().println("Wrote " + files.size() + " files for " + dialect.name() + " to " + dir
                + " from the recorded catalog " + catalog + " (the root predicate is checked by the database at"
                + " deploy, not here)");
        return ExitCodes.OK;
    }

    private io.declutter.dialect.Dialect dialect(io.declutter.config.JobFile job) {
        try {
            if (dialectName != null) {
                return io.declutter.dialect.Dialects.forName(dialectName);
            }
            return io.declutter.dialect.Dialects.forJdbcUrl(connection.settings(job).url().orElseThrow(() -> new UserError(
                    ExitCodes.BAD_INPUT, "--catalog needs --dialect (or a database.url naming the database kind)")));
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
    }

    @Override
    io.declutter.dialect.Dialect dialectFor(io.declutter.dialect.Dialect byUrl, java.sql.Connection c)
            throws java.sql.SQLException {
        if (dialectName == null) {
            return super.dialectFor(byUrl, c);
        }
        io.declutter.dialect.Dialect chosen = dialect(null);
        if (!chosen.name().equals(byUrl.name())) {
            throw new UserError(ExitCodes.BAD_INPUT, "--dialect " + dialectName + " does not match the database at the"
                    + " JDBC URL (" + byUrl.name() + ")");
        }
        return chosen;
    }

    private static List<GeneratedFile> render(io.declutter.dialect.Dialect dialect, io.declutter.config.JobFile job,
                                              io.declutter.model.PurgePlan plan) {
        try {
            List<GeneratedFile> files = new java.util.ArrayList<>(dialect.generate(plan, job.window()));
            files.add(dialect.roles(plan, job.roles())); // run by a DBA, not by deploy (docs/roles.md)
            return files;
        } catch (InvalidJobException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage() + " (declutter plan shows the details)", e);
        }
    }

    @Override
    int call(Context ctx) throws Exception {
        List<GeneratedFile> files = generate(ctx);
        Path dir = output != null ? output : Path.of("generated", ctx.jobFile().job().name());
        Deployer.write(files, dir);
        ctx.out().println("Wrote " + files.size() + " files to " + dir + " (deploy: declutter deploy, or psql -f "
                + dir.resolve("install.sql") + ")");
        return ExitCodes.OK;
    }

    static List<GeneratedFile> generate(Context ctx) throws Exception {
        Planning.Result r = Planning.plan(ctx.connection(), ctx.dialect(), ctx.jobFile().job());
        return render(ctx.dialect(), ctx.jobFile(), r.plan());
    }
}
