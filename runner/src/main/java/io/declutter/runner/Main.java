package io.declutter.runner;

import io.declutter.runner.cli.DeclutterCommand;

/** Entry point: the only place that calls {@code System.exit}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(DeclutterCommand.execute(args));
    }
}
