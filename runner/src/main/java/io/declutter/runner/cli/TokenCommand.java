package io.declutter.runner.cli;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.serve.Role;
import io.declutter.runner.serve.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "token", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Manages the API tokens of 'declutter serve' (docs/serve.md#tokens).",
        subcommands = TokenCommand.Add.class)
final class TokenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Creates a token for a client of the API and prints it once.",
                "Appends the token's name, role and SHA-256 to the tokens file (created readable by its owner only);"
                + " the token itself is kept nowhere: give it to the client now. To revoke it, delete its line and"
                + " restart serve."})
    static final class Add implements Callable<Integer> {

        @Option(names = "--tokens", required = true, paramLabel = "FILE", description = "the tokens file")
        Path tokensFile;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "who the token is for (in the"
                + " log of every call it makes that changes something)")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer (reads), operator"
                + " (also triggers and stops runs) or admin (also rolls back and expires)")
        String role;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Role r = Role.parse(role).orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, "--role " + role
                    + ": give viewer, operator or admin"));
            String token = Tokens.add(tokensFile, name, r);
            spec.commandLine().getOut().println(token);
            spec.commandLine().getErr().println("Token '" + name + "' (" + r.text() + ") added to " + tokensFile
                    + ". It is shown only this once: give it to its client now (Authorization: Bearer TOKEN).");
            return ExitCodes.OK;
        }
    }
}
