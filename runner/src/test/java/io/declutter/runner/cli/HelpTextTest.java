package io.declutter.runner.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The help a user reads first: every usage message (top level and each command) fits the terminal width, and the
 * command list shows each command's whole first sentence, not a line cut mid-phrase.
 */
class HelpTextTest {

    private static final Pattern LIST_ENTRY = Pattern.compile("^  (\\S+)\\s+(.*)$");

    @ParameterizedTest
    @ValueSource(ints = {80, 120})
    void everyUsageMessageFitsTheWidth(int width) {
        CommandLine top = commandLine(width);
        List<CommandLine> all = new ArrayList<>();
        all.add(top);
        all.addAll(top.getSubcommands().values());
        assertThat(all).hasSizeGreaterThan(9);
        for (CommandLine c : all) {
            String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(usage.lines())
                    .as("usage of '%s' at width %d:%n%s", c.getCommandName(), width, usage)
                    .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 120})
    void theCommandListShowsEachCommandsWholeFirstSentence(int width) {
        CommandLine top = commandLine(width);
        String usage = top.getUsageMessage(CommandLine.Help.Ansi.OFF);
        Map<String, String> listed = commandList(usage);
        assertThat(listed.keySet()).as(usage).containsExactlyElementsOf(top.getSubcommands().keySet());
        listed.forEach((name, summary) -> {
            // picocli lists a command's header when it has one (its own help command does), else its description.
            CommandLine.Model.UsageMessageSpec spec = top.getSubcommands().get(name).getCommandSpec().usageMessage();
            String first = spec.header().length > 0 ? spec.header()[0] : spec.description()[0];
            assertThat(summary).as("summary of '%s' in:%n%s", name, usage).isEqualTo(first).endsWith(".");
            // One sentence: no full stop before the end.
            assertThat(summary.substring(0, summary.length() - 1)).as(name).doesNotContain(". ");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 120})
    void theTopLevelHelpListsEveryExitCode(int width) {
        String usage = commandLine(width).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(usage).contains("Exit codes:");
        for (int code = 0; code <= 4; code++) {
            assertThat(usage).as(usage).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
    }

    private static CommandLine commandLine(int width) {
        CommandLine cl = DeclutterCommand.commandLine();
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(width);
        return cl;
    }

    /** The "Commands:" section: name to its summary, continuation lines joined. */
    private static Map<String, String> commandList(String usage) {
        Map<String, String> result = new LinkedHashMap<>();
        boolean inList = false;
        String current = null;
        for (String line : usage.lines().toList()) {
            if (line.equals("Commands:")) {
                inList = true;
                continue;
            }
            if (!inList) {
                continue;
            }
            if (line.isBlank()) {
                break;
            }
            Matcher m = LIST_ENTRY.matcher(line);
            if (m.matches()) {
                current = m.group(1);
                result.put(current, m.group(2).strip());
            } else {
                result.put(current, result.get(current) + " " + line.strip());
            }
        }
        return result;
    }
}
