package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.Receipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "receipt", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Prints a run's erasure receipt.",
            "What the run erased (root, tables and row counts, first and last delete, who ran it, what verify says)"
            + " and where copies still exist and when they expire; never an erased value (docs/archive.md)."})
final class ReceiptCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "also write the receipt as a web page to FILE")
    Path html;

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        if (!procs.canArchive()) {
            throw new UserError(ExitCodes.BAD_INPUT, "receipt is not available for this database yet (PostgreSQL"
                    + " only, docs/archive.md)");
        }
        Receipt.Document d = Receipt.build(ctx.connection(), procs, ctx.jobFile(), runOption.resolve(procs, false));
        ctx.out().print(json ? Receipt.json(d) + "\n" : Receipt.text(d));
        if (html != null) {
            Files.writeString(html, Receipt.html(d), StandardCharsets.UTF_8);
            ctx.out().println("Receipt written to " + html);
        }
        ctx.out().flush();
        return ExitCodes.OK;
    }
}
