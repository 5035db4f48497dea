package io.declutter.runner.testing;

import io.declutter.runner.cli.DeclutterCommand;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the declutter CLI in-process and captures what it prints. */
public final class Cli {

    /** Exit code and output of one command. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /** Asserts the command ended with exit code 0, showing its output when it did not. */
    public static void ok(Result r) {
        org.assertj.core.api.Assertions.assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DeclutterCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
