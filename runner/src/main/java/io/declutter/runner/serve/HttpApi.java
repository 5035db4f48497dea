package io.declutter.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.declutter.config.ConfigException;
import io.declutter.config.JobFile;
import io.declutter.dialect.DatabaseAudit;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;
import io.declutter.model.InvalidJobException;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.audit.AuditReport;
import io.declutter.runner.audit.Findings;
import io.declutter.runner.purge.Archive;
import io.declutter.runner.purge.Expiry;
import io.declutter.runner.purge.Receipt;
import io.declutter.runner.purge.RunListener;
import io.declutter.runner.purge.StatusReport;
import io.declutter.runner.purge.Verification;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP API of {@code declutter serve} (docs/serve.md#api), on Javalin (Jetty): JSON under {@code /api/v1}, bearer
 * tokens with roles (viewer < operator < admin), errors as {@code {"error":{"code","exitCode","message"}}}, health
 * checks and the OpenAPI description ({@code /openapi.json}, a checked-in resource that a test holds to the routes).
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    static final String OPENAPI = "/io/declutter/runner/serve/openapi.json";
    private static final String CALLER = "declutter.caller";
    private static final String ANSWERED = "declutter.error";
    private static final int MAX_RUNS = 1000;

    /** Where the server listens, and its TLS set-up if any. */
    public record Listen(String host, int port, Optional<Tls> tls) {
        public Listen {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(tls, "tls");
            if (port < 0 || port > 65535) {
                throw new UserError(ExitCodes.BAD_INPUT, "--port " + port + " is not a port (0 to 65535; 0: any free one)");
            }
        }
    }

    /**
     * TLS (docs/serve.md#tls): a PKCS#12 or JKS key store holding the server's certificate and private key, and its
     * password (read from a file or an environment variable, never from the command line).
     */
    public record Tls(java.nio.file.Path keyStore, String password) {
        public Tls {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(password, "password");
        }
    }

    private final JobService service;
    private final Tokens tokens;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private Javalin app;
    /** /metrics (helper "observe"): fed by every run the service starts and by rollbacks (docs/serve.md#metrics). */
    private final ServeMetrics metrics = new ServeMetrics();

    /** Create it before {@link JobService#start()}: the runs the service resumes on start report to its metrics. */
    public HttpApi(JobService service, Tokens tokens) {
        this.service = Objects.requireNonNull(service, "service");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        service.decorateRuns(run -> run.reportingTo(metrics));
        service.policy().jobs().forEach(j -> metrics.addJob(j.job().name()));
    }

    /** The service's metrics, as /metrics shows them. */
    public ServeMetrics metrics() {
        return metrics;
    }

    /** Starts the server; {@link #port()} then tells the port (useful with port 0). */
    public HttpApi start(Listen listen) {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.defaultContentType = "application/json";
            listen.tls().ifPresent(tls -> config.jetty.addConnector((server, http) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStorePath(tls.keyStore().toAbsolutePath().toString());
                ssl.setKeyStorePassword(tls.password());
                HttpConfiguration https = new HttpConfiguration(http);
                https.addCustomizer(new SecureRequestCustomizer());
                ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                        new HttpConnectionFactory(https));
                connector.setHost(listen.host());
                connector.setPort(listen.port());
                return connector;
            }));
            if (listen.tls().isEmpty()) {
                config.jetty.defaultHost = listen.host();
                config.jetty.defaultPort = listen.port();
            }
        });
        routes(app);
        app.start();
        LOG.info("declutter serve listens on {}://{}:{}", listen.tls().isPresent() ? "https" : "http", listen.host(),
                port());
        return this;
    }

    /** The port the server listens on. */
    public int port() {
        return app.port() > 0 ? app.port() : connectorPort();
    }

    private int connectorPort() {
        for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof ServerConnector sc) {
                return sc.getLocalPort();
            }
        }
        return -1;
    }

    public void stop() {
        if (app != null) {
            app.stop();
        }
    }

    /** The server's routes (for the test that holds them to openapi.json). */
    public Javalin app() {
        return app;
    }

    private void routes(Javalin app) {
        app.beforeMatched(this::authorize);
        app.exception(Exception.class, (e, ctx) -> error(ctx, e));
        app.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) { // not a 404 of ours (unknown job or run): no such route
                answerError(ctx, new ApiError(ApiError.Kind.NOT_FOUND, "no such route: " + ctx.method() + " "
                        + ctx.path() + " (GET /openapi.json lists the routes)"));
            }
        });
        app.error(405, ctx -> answerError(ctx, new ApiError(ApiError.Kind.BAD_INPUT, "method " + ctx.method()
                + " is not allowed on " + ctx.path())));

        route(app, HandlerType.GET, "/health/live", Role.NONE, ctx -> send(ctx, 200, json.createObjectNode()
                .put("status", "up")));
        route(app, HandlerType.GET, "/health/ready", Role.NONE, ctx -> {
            boolean ready = service.ready();
            send(ctx, ready ? 200 : 503, json.createObjectNode().put("status", ready ? "up" : "down"));
        });
        route(app, HandlerType.GET, "/openapi.json", Role.NONE, ctx -> {
            try (InputStream in = Objects.requireNonNull(HttpApi.class.getResourceAsStream(OPENAPI), OPENAPI)) {
                ctx.contentType("application/json").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
        route(app, HandlerType.GET, "/api/v1/whoami", Role.VIEWER, ctx -> {
            Tokens.Token t = caller(ctx);
            send(ctx, 200, json.createObjectNode().put("name", t.name()).put("role", t.role().text()));
        });
        route(app, HandlerType.GET, "/api/v1/jobs", Role.VIEWER, ctx -> {
            ArrayNode jobs = json.createArrayNode();
            for (JobFile job : service.policy().jobs()) {
                jobs.add(jobView(job));
            }
            send(ctx, 200, jobs);
        });
        route(app, HandlerType.GET, "/api/v1/jobs/{job}", Role.VIEWER, ctx ->
                send(ctx, 200, jobView(service.job(ctx.pathParam("job")))));
        route(app, HandlerType.GET, "/api/v1/jobs/{job}/runs", Role.VIEWER, ctx -> {
            int limit = limit(ctx.queryParam("limit"));
            String job = ctx.pathParam("job");
            send(ctx, 200, service.withProcs(job, (c, procs) -> {
                ArrayNode runs = json.createArrayNode();
                for (long run : procs.runs(limit)) {
                    runs.add(summary(StatusReport.read(c, procs, run, service.job(job).backupKeep())));
                }
                return runs;
            }));
        });
        route(app, HandlerType.POST, "/api/v1/jobs/{job}/runs", Role.OPERATOR, ctx -> {
            Tokens.Token t = caller(ctx);
            Optional<String> key = Optional.ofNullable(ctx.header("Idempotency-Key"));
            JobService.Triggered r = service.trigger(ctx.pathParam("job"), key,
                    new JobService.Caller(t.name(), t.role()));
            LOG.info("job {}: trigger by token {} ({}): {}", r.job(), t.name(), t.role().text(), r.message());
            ObjectNode answer;
            if (r.run() == null) {
                answer = json.createObjectNode().put("job", r.job()).putNull("run").put("created", false)
                        .put("started", false).put("exitCode", r.exitCode()).put("message", r.message());
            } else {
                answer = service.withProcs(r.job(), (c, procs) -> summary(StatusReport.read(c, procs, r.run())));
                answer.put("created", r.created()).put("started", true).put("message", r.message());
            }
            send(ctx, r.created() ? 202 : 200, answer);
        });
        route(app, HandlerType.GET, "/api/v1/jobs/{job}/runs/{run}", Role.VIEWER, ctx -> {
            String job = ctx.pathParam("job");
            long run = runParam(ctx);
            send(ctx, 200, service.withProcs(job, (c, procs) -> {
                JobService.requireRun(procs, run);
                return detail(StatusReport.read(c, procs, run, service.job(job).backupKeep()));
            }));
        });
        route(app, HandlerType.POST, "/api/v1/jobs/{job}/runs/{run}/stop", Role.OPERATOR, ctx -> {
            Tokens.Token t = caller(ctx);
            long run = runParam(ctx);
            service.stop(ctx.pathParam("job"), run, new JobService.Caller(t.name(), t.role()));
            send(ctx, 200, json.createObjectNode().put("run", run).put("job", ctx.pathParam("job"))
                    .put("pauseRequested", true));
        });
        route(app, HandlerType.GET, "/api/v1/jobs/{job}/runs/{run}/verify", Role.VIEWER, ctx -> {
            long run = runParam(ctx);
            send(ctx, 200, service.withProcs(ctx.pathParam("job"), (c, procs) -> {
                JobService.requireRun(procs, run);
                Verification.Result r = Verification.verify(c, procs, run);
                ObjectNode v = (ObjectNode) json.valueToTree(r);
                v.put("ok", r.ok());
                return v;
            }));
        });
        route(app, HandlerType.GET, "/api/v1/jobs/{job}/runs/{run}/receipt", Role.VIEWER, ctx -> {
            long run = runParam(ctx);
            String job = ctx.pathParam("job");
            send(ctx, 200, service.withProcs(job, (c, procs) -> {
                JobService.requireRun(procs, run);
                if (!procs.canArchive()) {
                    throw new ApiError(ApiError.Kind.BAD_INPUT, "receipts are not available for this database yet"
                            + " (docs/archive.md)");
                }
                return json.readTree(Receipt.json(Receipt.build(c, procs, service.job(job), run)));
            }));
        });
        route(app, HandlerType.POST, "/api/v1/jobs/{job}/runs/{run}/rollback", Role.ADMIN, ctx -> {
            Tokens.Token t = caller(ctx);
            long run = runParam(ctx);
            String job = ctx.pathParam("job");
            send(ctx, 200, service.withProcs(job, (c, procs) -> {
                JobProcedures.RunInfo info = JobService.requireRun(procs, run);
                if ("expired".equals(info.status())) {
                    throw new ApiError(ApiError.Kind.BAD_INPUT,
                            Archive.expiredRefusal(procs, run, "'declutter rollback --from DIR' (docs/archive.md)"));
                }
                if ("running".equals(info.status()) && service.drivenRun(job).filter(r -> r == run).isPresent()) {
                    throw new ApiError(ApiError.Kind.BUSY, "run " + run + " is going; stop it first (POST .../stop)"
                            + " and roll it back once it has stopped");
                }
                String who = new JobService.Caller(t.name(), t.role()).describe();
                procs.noteApiCall(run, "rollback through declutter serve by " + who);
                LOG.info("job {}: run {} rolled back by {}", job, run, who);
                RunListener.rollBack(procs, run, metrics); // counts the rows restored (/metrics)
                List<String> problems = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                Verification.triggerEffects(procs.triggerEffects(run), problems, notes);
                ObjectNode answer = summary(StatusReport.read(c, procs, run));
                answer.set("problems", json.valueToTree(problems));
                answer.set("notes", json.valueToTree(notes));
                return answer;
            }));
        });
        route(app, HandlerType.POST, "/api/v1/jobs/{job}/runs/{run}/expire", Role.ADMIN, ctx -> {
            Tokens.Token t = caller(ctx);
            long run = runParam(ctx);
            String job = ctx.pathParam("job");
            send(ctx, 200, service.withProcs(job, (c, procs) -> {
                JobProcedures.RunInfo info = JobService.requireRun(procs, run);
                if (!procs.canArchive()) {
                    throw new ApiError(ApiError.Kind.BAD_INPUT, "expire is not available for this database yet"
                            + " (docs/archive.md)");
                }
                if (!List.of("done", "rolled back", "expired").contains(info.status())) {
                    throw new ApiError(ApiError.Kind.BAD_INPUT, "run " + run + " is " + info.status() + ": only a"
                            + " finished run (done or rolled back) can expire; an unfinished run needs its backup");
                }
                String who = new JobService.Caller(t.name(), t.role()).describe();
                procs.noteApiCall(run, "expire through declutter serve by " + who);
                LOG.info("job {}: the backup of run {} expired by {}", job, run, who);
                Expiry.Result r = Expiry.expire(c, procs, run, false);
                ObjectNode answer = summary(StatusReport.read(c, procs, run));
                answer.put("rowsDropped", r.rows());
                answer.set("archives", json.valueToTree(r.archives()));
                return answer;
            }));
        });
        route(app, HandlerType.GET, "/api/v1/audit", Role.VIEWER, ctx -> {
            String jobName = ctx.queryParam("job");
            JobFile job = jobName == null ? service.policy().jobs().get(0) : service.job(jobName);
            try (Connection c = service.open(job)) {
                Dialect dialect = service.dialect(job, c);
                DatabaseAudit audit = dialect.audit();
                audit.readOnly(c);
                DatabaseAudit.Snapshot snapshot = audit.read(c, false);
                Optional<DatabaseAudit.SavedAudit> compared = snapshot.auditsSaved() ? audit.saved(c, 0)
                        : Optional.empty();
                AuditReport.Audit report = new AuditReport.Audit(c.getCatalog(), snapshot, compared, null,
                        Findings.rank(snapshot, compared, new Findings.Settings(1_000_000), dialect),
                        dialect.bloatEstimate());
                ctx.contentType("application/json").result(AuditReport.json(report));
            }
        });
        observeRoutes(app);
    }

    // ---- Extension point of helper "observe" (issue 15 items 4-5): /metrics and the status page at / ----
    // Add the routes with route(app, ...) so that each has its role (Role.NONE: no token) and shows in the route list
    // that OpenApiRoutesTest holds to openapi.json (add them there too). Keep what they need in their own classes.

    /** The routes of the metrics and the status page (helper "observe"; docs/serve.md#metrics, #status-page). */
    private void observeRoutes(Javalin app) {
        for (JobFile job : service.policy().jobs()) {
            String name = job.job().name();
            try {
                service.withProcs(name, (c, procs) -> procs.lastSuccess()).ifPresent(t -> metrics.lastSuccess(name, t));
            } catch (Exception e) {
                LOG.info("job {}: its last success is not shown by /metrics until its next one: {}", name,
                        JobService.message(e));
            }
        }
        route(app, HandlerType.GET, "/metrics", Role.VIEWER, ctx -> ctx.contentType(ServeMetrics.CONTENT_TYPE)
                .result(metrics.scrape()));
        route(app, HandlerType.GET, "/", Role.NONE, StatusPage::index);
        route(app, HandlerType.GET, "/page/{file}", Role.NONE, StatusPage::file);
    }

    // ---- end of the extension point ----

    /** Adds a route that needs {@code role} (Role.NONE: anyone). */
    void route(Javalin app, HandlerType method, String path, Role role, Handler handler) {
        app.addHttpHandler(method, path, handler, role);
    }

    /** Lets a call through only with a known token of a role high enough for its route; 401 / 403 otherwise. */
    private void authorize(Context ctx) {
        Role needed = ctx.routeRoles().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                .orElse(Role.ADMIN);
        if (needed == Role.NONE) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(ApiError.Kind.UNAUTHORIZED, "give a token: 'Authorization: Bearer TOKEN'"
                    + " (declutter token add creates one)");
        }
        Tokens.Token token = tokens.find(header.substring(7).strip()).orElseThrow(() -> new ApiError(
                ApiError.Kind.UNAUTHORIZED, "unknown token"));
        if (!token.role().mayDo(needed)) {
            throw new ApiError(ApiError.Kind.FORBIDDEN, "token " + token.name() + " has the role " + token.role().text()
                    + "; " + ctx.method() + " " + ctx.matchedPath() + " needs " + needed.text() + " or higher");
        }
        ctx.attribute(CALLER, token);
    }

    private static Tokens.Token caller(Context ctx) {
        return Objects.requireNonNull(ctx.attribute(CALLER), "authorized call without a caller");
    }

    private ObjectNode jobView(JobFile job) throws Exception {
        String name = job.job().name();
        ObjectNode j = json.createObjectNode().put("name", name);
        j.put("schedule", job.schedule().map(io.declutter.config.Schedule::cron).orElse(null));
        j.put("timeZone", job.schedule().map(s -> s.zone().getId()).orElse(null));
        j.put("nextRun", service.nextRun(name).map(Instant::toString).orElse(null));
        if (job.window().start().isPresent()) {
            j.putObject("window").put("start", job.window().start().get().toString())
                    .put("end", job.window().end().orElseThrow().toString());
        } else {
            j.putNull("window");
        }
        try {
            service.withProcs(name, (c, procs) -> {
                j.put("deployed", true);
                Optional<Long> open = procs.openRun();
                j.put("currentRun", open.orElse(null));
                Optional<Long> latest = procs.latestRun();
                j.set("lastRun", latest.isEmpty() ? null : summary(StatusReport.read(c, procs, latest.get(),
                        job.backupKeep())));
                return null;
            });
        } catch (RefusedException e) {
            if (e.kind() != io.declutter.dialect.ErrorKind.BAD_INPUT) {
                throw e;
            }
            j.put("deployed", false).putNull("currentRun").putNull("lastRun");
        }
        return j;
    }

    /** The run summary of the API (docs/serve.md#api). */
    private ObjectNode summary(StatusReport.RunStatus r) {
        ObjectNode s = json.createObjectNode().put("run", r.run()).put("job", r.job()).put("status", r.status());
        s.put("started", text(r.started())).put("ended", text(r.ended())).put("deadline", text(r.deadline()));
        s.put("pauseRequested", r.pauseRequested()).put("cached", r.cached()).put("deleted", r.deleted())
                .put("restored", r.restored()).put("lastError", r.lastError());
        return s;
    }

    /** A run with its per-table progress, hold, rate and ETA. */
    private ObjectNode detail(StatusReport.RunStatus r) {
        ObjectNode d = summary(r);
        ArrayNode tables = d.putArray("tables");
        for (StatusReport.TableStatus t : r.tables()) {
            tables.addObject().put("table", t.table()).put("height", t.height()).put("status", t.status())
                    .put("cached", t.cached()).put("deleted", t.deleted()).put("restored", t.restored())
                    .put("remaining", t.remaining()).put("rowsPerSecond", t.ratePerSecond())
                    .put("seconds", t.ratePerSecond() > 0 ? Math.round(t.deleted() / t.ratePerSecond()) : 0)
                    .put("lastError", t.lastError());
        }
        if (r.hold() != null && r.hold().holding()) {
            d.putObject("hold").put("reason", r.hold().reason()).put("since", text(r.hold().since()));
        } else {
            d.putNull("hold");
        }
        d.put("heldSeconds", r.hold() == null ? 0 : r.hold().heldSeconds());
        d.put("remaining", r.remaining()).put("rowsPerSecond", r.ratePerSecond());
        d.put("eta", r.etaSeconds() == null || r.ended() != null ? null
                : Instant.now().plusSeconds(r.etaSeconds()).toString());
        d.set("backup", json.valueToTree(r.backup()));
        return d;
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private static long runParam(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("run"));
        } catch (NumberFormatException e) {
            throw new ApiError(ApiError.Kind.BAD_INPUT, "'" + ctx.pathParam("run") + "' is not a run id (a number)");
        }
    }

    private static int limit(String text) {
        if (text == null) {
            return 20;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_RUNS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ApiError(ApiError.Kind.BAD_INPUT, "limit=" + text + ": give a number of runs from 1 to " + MAX_RUNS);
    }

    private void send(Context ctx, int status, JsonNode body) throws IOException {
        ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
    }

    /** Every failure as the JSON error of its kind (the CLI's exit codes; docs/serve.md#errors). */
    private void error(Context ctx, Exception e) {
        ApiError api = asApiError(e);
        if (api.kind() == ApiError.Kind.FAILED) {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), JobService.message(e), e);
        }
        answerError(ctx, api);
    }

    static ApiError asApiError(Exception e) {
        if (e instanceof ApiError a) {
            return a;
        }
        if (e instanceof UserError u) {
            return new ApiError(kindOf(u.exitCode()), u.getMessage(), u);
        }
        if (e instanceof RefusedException r) {
            return new ApiError(kindOf(ExitCodes.of(r.kind())), r.getMessage(), r);
        }
        if (e instanceof ConfigException || e instanceof InvalidJobException) {
            return new ApiError(ApiError.Kind.BAD_INPUT, e.getMessage(), e);
        }
        if (e instanceof SQLException s) {
            return new ApiError(ApiError.Kind.FAILED, "database error: " + s.getMessage(), s);
        }
        return new ApiError(ApiError.Kind.FAILED, JobService.message(e), e);
    }

    private static ApiError.Kind kindOf(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.BAD_INPUT -> ApiError.Kind.BAD_INPUT;
            case ExitCodes.NO_DATABASE -> ApiError.Kind.NO_DATABASE;
            case ExitCodes.STOPPED -> ApiError.Kind.BUSY;
            default -> ApiError.Kind.FAILED;
        };
    }

    private void answerError(Context ctx, ApiError e) {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("code", e.kind().code()).put("exitCode", e.kind().exitCode())
                .put("message", e.getMessage());
        ctx.attribute(ANSWERED, e.kind());
        ctx.status(e.kind().status()).contentType("application/json").result(body.toString());
    }
}
