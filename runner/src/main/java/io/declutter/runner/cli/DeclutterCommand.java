package io.declutter.runner.cli;

import io.declutter.config.ConfigException;
import io.declutter.dialect.RefusedException;
import io.declutter.model.InvalidJobException;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.sql.SQLException;

@Command(name = "declutter",
        mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = VersionProvider.class,
        description = {"Purges connected data (closed tenants, rows past retention) from a live database.",
            "Plans the foreign-key closure of a root table, generates set-based stored procedures that back up and"
            + " delete it in batches inside a window, and runs, monitors, verifies and rolls them back."},
        subcommands = {PlanCommand.class, GenerateCommand.class, DeployCommand.class, RunCommand.class,
                StatusCommand.class, StopCommand.class, RollbackCommand.class, VerifyCommand.class,
                ArchiveCommand.class, ExpireCommand.class, ReceiptCommand.class, AuditCommand.class, ServeCommand.class,
                TokenCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:done",
            " 1:a run or a rehearsal failed, or a check did not hold (see the output and declutter.log)",
            " 2:bad input (usage, job file, unknown table, bad predicate, cycle, unknown run); nothing changed",
            " 3:database unreachable or login refused; nothing changed",
            " 4:stopped before the end (window over, stop file, pause request); run again to resume"})
public final class DeclutterCommand implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeclutterCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs a command and flushes what it printed: {@code System.exit} follows, and the writers only flush on
     * their own at a {@code println}, so a report written with {@code print} would otherwise be lost.
     */
    public static int execute(String... args) {
        return execute(commandLine(), args);
    }

    /** {@link #execute(String...)} on a command line that may carry more commands (the demo module's). */
    public static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /**
     * The CLI: the runner's commands, then {@code more} (picocli {@code @Command} objects: the demo module adds
     * {@code demo} and {@code bench} this way, so the runner jar carries neither), then {@code help}.
     */
    public static CommandLine commandLine(Object... more) {
        CommandLine cl = new CommandLine(new DeclutterCommand());
        for (Object command : more) {
            cl.addSubcommand(command);
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("declutter: " + message(e));
            commandLine.getErr().flush();
            if (exitCode(e) == ExitCodes.FAILED && !(e instanceof UserError)) {
                LOG.debug("failure", e);
            }
            return exitCode(e);
        });
        return cl;
    }

    private static int exitCode(Exception e) {
        if (e instanceof UserError u) {
            return u.exitCode();
        }
        if (e instanceof ConfigException || e instanceof InvalidJobException) {
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof RefusedException r) {
            return ExitCodes.of(r.kind());
        }
        return ExitCodes.FAILED;
    }

    private static String message(Exception e) {
        if (e instanceof SQLException s) {
            return "database error: " + s.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
