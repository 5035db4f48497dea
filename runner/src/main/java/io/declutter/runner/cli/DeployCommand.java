package io.declutter.runner.cli;

import io.declutter.dialect.GeneratedFile;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.Deployer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "deploy", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Deploys the job's database objects with Liquibase.",
            "Generates them afresh from the database (or takes a directory written by 'generate' with --dir) and"
            + " applies changelog.xml. Objects that did not change are left alone; changed ones are replaced"
            + " (runOnChange)."})
final class DeployCommand extends JobCommand {

    @Option(names = "--dir", paramLabel = "DIR", description = "deploy this generated directory instead of generating")
    Path dir;

    @Override
    int call(Context ctx) throws Exception {
        Path source = dir;
        if (source == null) {
            List<GeneratedFile> files = GenerateCommand.generate(ctx);
            source = Files.createTempDirectory("declutter-" + ctx.jobFile().job().name());
            Deployer.write(files, source);
        } else if (!Files.isRegularFile(source.resolve("changelog.xml"))) {
            ctx.err().println("declutter: " + source + " has no changelog.xml; write it with 'declutter generate -o " + source + "'");
            return ExitCodes.BAD_INPUT;
        }
        Deployer.liquibaseUpdate(ctx.connection(), source, ctx.dialect().frameworkSchema());
        ctx.out().println("Deployed job " + ctx.jobFile().job().name() + " from " + source);
        return ExitCodes.OK;
    }
}
