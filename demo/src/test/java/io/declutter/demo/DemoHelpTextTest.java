package io.declutter.demo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI {@code ./declutter} runs: the runner's commands (their help is checked by the runner's HelpTextTest), then
 * {@code demo} and {@code bench}, whose usage fits 80 and 120 columns and whose first sentence is listed whole.
 */
class DemoHelpTextTest {

    @ParameterizedTest
    @ValueSource(ints = {80, 120})
    void demoAndBenchJoinTheRunnersCommandsAndTheirHelpReadsWell(int width) {
        CommandLine top = Main.commandLine();
        top.setUsageHelpAutoWidth(false);
        top.setUsageHelpWidth(width);
        assertThat(top.getSubcommands().keySet()).containsExactly("plan", "generate", "deploy", "run", "status", "stop",
                "rollback", "verify", "archive", "expire", "receipt", "audit", "serve", "token", "demo", "bench", "help");
        String topUsage = top.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String name : List.of("demo", "bench")) {
            CommandLine c = top.getSubcommands().get(name);
            String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(usage.lines()).as("usage of '%s' at width %d:%n%s", name, width, usage)
                    .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
            String first = c.getCommandSpec().usageMessage().description()[0];
            assertThat(first).endsWith(".").doesNotContain(". ");
            // listed on one line, whole: "  demo      Runs the main job ... database."
            assertThat(topUsage).as(topUsage).containsPattern("(?m)^  " + name + "\\s+" + Pattern.quote(first) + "$");
        }
    }
}
