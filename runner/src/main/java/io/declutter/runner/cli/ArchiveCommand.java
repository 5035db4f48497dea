package io.declutter.runner.cli;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.purge.Archive;
import io.declutter.runner.purge.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "archive", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Writes a run's backup outside the database, or verifies such an archive.",
            "--to DIR: one gzip-compressed CSV file per backup table (PostgreSQL COPY), SHA256SUMS and manifest.json,"
            + " readable by the owner only; the archive is recorded in the database. --verify DIR: checks the files"
            + " against the manifest and, while the run's backup is still in the database, against it"
            + " (docs/archive.md). Exits 1 when a check does not hold."})
final class ArchiveCommand extends JobCommand {

    @Mixin
    RunOption runOption;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--to", paramLabel = "DIR", description = "write the archive into DIR (new or empty)")
        Path to;

        @Option(names = "--verify", paramLabel = "DIR", description = "verify the archive in DIR")
        Path verify;
    }

    @Override
    int call(Context ctx) throws Exception {
        JobProcedures procs = deployedJob(ctx);
        if (!procs.canArchive()) {
            throw new UserError(ExitCodes.BAD_INPUT, "archive is not available for this database yet (PostgreSQL"
                    + " only, docs/archive.md)");
        }
        if (target.verify != null) {
            Archive.Check check = Archive.verify(target.verify, ctx.connection(), procs);
            Archive.Manifest m = check.manifest();
            ctx.out().println(String.format("Archive %s: run %d of job %s, %d files, %,d rows, checksum %s",
                    target.verify, m.run(), m.job(), m.tables().size(), m.rows(), m.sha256()));
            check.problems().forEach(p -> ctx.out().println("PROBLEM: " + p));
            check.notes().forEach(n -> ctx.out().println("NOTE: " + n));
            if (check.ok()) {
                ctx.out().println("OK: every file matches the manifest" + (check.notes().stream()
                        .anyMatch(n -> n.contains("expired")) ? "." : " and the database's backup."));
            }
            return check.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
        long run = runOption.resolve(procs, false);
        ProgressBar bar = new ProgressBar(ctx.err(), System.console() != null, 0, "archived");
        Archive.Manifest m = Archive.write(ctx.connection(), procs, ctx.jobFile(), run, target.to, bar);
        ctx.out().println(String.format("Run %d archived to %s: %d files, %,d rows, checksum %s", run, target.to,
                m.tables().size(), m.rows(), m.sha256()));
        return ExitCodes.OK;
    }
}
