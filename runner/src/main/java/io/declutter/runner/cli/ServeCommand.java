package io.declutter.runner.cli;

import io.declutter.config.JobFileReader;
import io.declutter.config.PolicyFile;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.serve.HttpApi;
import io.declutter.runner.serve.JobService;
import io.declutter.runner.serve.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the jobs of a policy file as a service, with an HTTP API (docs/serve.md).",
            "Starts each job when its 'schedule' (a Quartz cron expression) fires, inside its window, exactly as"
            + " 'run' would; on start, resumes every unfinished run no one asked to stop. Several instances may"
            + " serve one database: a job runs on one of them at a time (its advisory lock).",
            "The API (JSON under /api/v1, described at /openapi.json) lists jobs and runs with their progress, and"
            + " triggers, stops, verifies, rolls back and expires runs. Clients send 'Authorization: Bearer TOKEN';"
            + " the tokens file holds each token's name, role (viewer, operator, admin) and SHA-256, never the token"
            + " ('declutter token add' creates one). With --tls-keystore it serves HTTPS only.",
            "Stops on SIGTERM or Ctrl-C: the runs in progress stop as a killed runner would (the unit in progress"
            + " rolls back whole) and are resumed at the next start."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:stopped (SIGTERM, Ctrl-C)",
            " 2:bad input: policy file, tokens file (or one others may read), TLS options, port taken; nothing started",
            "  :API errors mean the same: 400/401/403/404 (2), 409 busy (4), 503 no database (3), 500 failed (1)"})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = {"-j", "--job-file"}, required = true, paramLabel = "FILE",
            description = "the policy file (or job file) whose jobs to serve (docs/policy.md)")
    Path jobFile;

    @Option(names = "--tokens", required = true, paramLabel = "FILE", description = "the API's tokens: lines"
            + " 'name role sha256', readable by its owner only (declutter token add)")
    Path tokensFile;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "the port to listen on"
            + " (default: ${DEFAULT-VALUE}; 0: any free port)")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "the address to listen"
            + " on (default: ${DEFAULT-VALUE}; 0.0.0.0: every interface)")
    String bind;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "serve HTTPS with the certificate and key in"
            + " this PKCS#12 (or JKS) key store")
    Path tlsKeystore;

    @Option(names = "--tls-password-env", paramLabel = "VAR", description = "environment variable holding the key"
            + " store's password")
    String tlsPasswordEnv;

    @Option(names = "--tls-password-file", paramLabel = "FILE", description = "file holding the key store's password")
    Path tlsPasswordFile;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PolicyFile policy = JobFileReader.readPolicy(jobFile);
        Tokens tokens = Tokens.read(tokensFile);
        HttpApi.Listen listen = new HttpApi.Listen(bind, port, tls());
        JobService service = new JobService(policy, jobFile, connection::settings);
        HttpApi api = new HttpApi(service, tokens);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("declutter serve stops");
            api.stop();
            service.close();
            stopped.countDown();
        }, "declutter-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // The port first: a port taken must stop the command before any run is resumed.
            api.start(listen);
            service.start();
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            api.stop();
            service.close();
            if (e.getCause() instanceof java.net.BindException || e.getCause() instanceof IOException) {
                throw new UserError(ExitCodes.BAD_INPUT, "cannot listen on " + bind + ":" + port + ": "
                        + e.getCause().getMessage(), e);
            }
            throw e;
        }
        spec.commandLine().getOut().println("declutter serve: " + policy.jobs().size() + " job(s) of " + jobFile
                + ", " + tokens.all().size() + " token(s), listening on " + (listen.tls().isPresent() ? "https" : "http")
                + "://" + bind + ":" + api.port() + " (API: /api/v1, description: /openapi.json)");
        spec.commandLine().getOut().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private Optional<HttpApi.Tls> tls() throws IOException {
        if (tlsKeystore == null) {
            if (tlsPasswordEnv != null || tlsPasswordFile != null) {
                throw new UserError(ExitCodes.BAD_INPUT, "--tls-password-env and --tls-password-file go with"
                        + " --tls-keystore FILE");
            }
            return Optional.empty();
        }
        if (!Files.isRegularFile(tlsKeystore)) {
            throw new UserError(ExitCodes.BAD_INPUT, "--tls-keystore " + tlsKeystore + ": no such file");
        }
        String password;
        if (tlsPasswordEnv != null) {
            password = System.getenv(tlsPasswordEnv);
            if (password == null) {
                throw new UserError(ExitCodes.BAD_INPUT, "--tls-password-env " + tlsPasswordEnv + ": that"
                        + " environment variable is not set");
            }
        } else if (tlsPasswordFile != null) {
            password = Files.readString(tlsPasswordFile, StandardCharsets.UTF_8).strip();
        } else {
            throw new UserError(ExitCodes.BAD_INPUT, "--tls-keystore needs its password: --tls-password-env VAR or"
                    + " --tls-password-file FILE");
        }
        return Optional.of(new HttpApi.Tls(tlsKeystore, password));
    }
}
