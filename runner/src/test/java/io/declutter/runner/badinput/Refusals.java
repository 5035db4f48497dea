package io.declutter.runner.badinput;

import io.declutter.runner.testing.Cli;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every refusal of bad input looks like (docs/design.md#bad-input): the documented exit code and one clear
 * message.
 */
final class Refusals {

    private Refusals() {
    }

    /**
     * The command exited with {@code exitCode}, printed nothing on stdout, and printed on stderr one message
     * that starts with {@code declutter:}, contains every one of {@code parts} (what is wrong and what to do)
     * and no Java stack trace or exception class name.
     */
    static void assertRefused(Cli.Result r, int exitCode, String... parts) {
        assertThat(r.exitCode()).as("exit code of\n%s", r).isEqualTo(exitCode);
        assertThat(r.err()).as("stderr of\n%s", r).startsWith("declutter: ").contains(parts);
        assertThat(r.err()).as("stderr must not show Java internals:\n%s", r)
                .doesNotContain("\tat ", "Exception", "java.", "io.declutter.");
    }
}
