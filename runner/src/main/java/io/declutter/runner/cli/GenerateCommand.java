package io.declutter.runner.cli;

import io.declutter.render.GeneratedFile;
import io.declutter.render.Generator;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.Deployer;
import io.declutter.runner.purge.Planning;
import io.declutter.model.InvalidJobException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes the job's SQL (one file per database object), install.sql for psql -f,",
            "and changelog.xml for Liquibase into a directory. Same schema and job file: same bytes."})
final class GenerateCommand extends JobCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (default: generated/<job>)")
    Path output;

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
        try {
            return new Generator(ctx.dialect()).generate(r.plan());
        } catch (InvalidJobException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage() + " (declutter plan shows the details)", e);
        }
    }
}
