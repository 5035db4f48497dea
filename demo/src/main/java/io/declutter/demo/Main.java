package io.declutter.demo;

import io.declutter.runner.cli.DeclutterCommand;
import picocli.CommandLine;

/**
 * Entry point of the demo jar (the one {@code ./declutter} runs): the runner's CLI with the {@code demo} and
 * {@code bench} commands added. The only place of this module that calls {@code System.exit}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(DeclutterCommand.execute(commandLine(), args));
    }

    /** The runner's commands, {@code demo}, {@code bench}, {@code help}. */
    public static CommandLine commandLine() {
        return DeclutterCommand.commandLine(new DemoCommand(), new BenchCommand());
    }
}
