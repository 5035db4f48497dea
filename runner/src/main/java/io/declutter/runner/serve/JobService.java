package io.declutter.runner.serve;

import io.declutter.config.DatabaseSettings;
import io.declutter.config.JobFile;
import io.declutter.config.PolicyFile;
import io.declutter.config.Schedule;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.RefusedException;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.db.Connections;
import io.declutter.runner.purge.JobRun;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The jobs of a policy file as a service (docs/serve.md): runs them when their {@code schedule} fires (Quartz, one
 * Quartz job per declutter job) or when triggered through the API, each on a worker thread of its own with a
 * connection of its own, exactly as {@code declutter run} runs them ({@link JobRun}). On start it resumes every job's
 * unfinished run that no one asked to stop. Several instances may serve one database: a run holds its job's advisory
 * lock, so a second instance finds it busy and answers with that run instead of starting another.
 */
public final class JobService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String SERVICE = "declutter.service";
    private static final int BUSY_CHECKS = 25;
    private static final long BUSY_CHECK_MS = 200;

    /** Who asked for a state change: an API token's name and role, or the service itself (schedule, restart). */
    public record Caller(String name, Role role) {
        public static final Caller SCHEDULE = new Caller("schedule", Role.NONE);
        public static final Caller RESTART = new Caller("restart", Role.NONE);

        public Caller {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
        }

        /** As the log table and the service's log say it. */
        public String describe() {
            return role == Role.NONE ? "the service (" + name + ")" : "token " + name + " (" + role.text() + ")";
        }
    }

    /**
     * What a trigger did: started a run ({@code created}), found one ({@code run} given, not created: the same
     * Idempotency-Key, or a run of the job going), or started none ({@code run} null: below the start thresholds, the
     * window closed, the rehearsal failed; {@code exitCode} and {@code message} say which, as {@code run} would).
     */
    public record Triggered(String job, Long run, boolean created, int exitCode, String message) {
    }

    /** The service's own view of a run it drives. */
    private record Driving(Connection connection, CompletableFuture<Begun> begun) {
    }

    /** A run began (run id), or the attempt ended without one (run null, its exit code). */
    private record Begun(Long run, int exitCode) {
    }

    private final PolicyFile policy;
    private final Path file;
    private final UnaryOperator<DatabaseSettings> settings;
    private final String name;
    private final Map<String, Driving> driving = new ConcurrentHashMap<>();
    private final Map<String, Object> triggerLocks = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private Scheduler scheduler;
    private volatile boolean started;
    private volatile boolean closing;
    /** Applied to every run this service starts: where helper "observe" attaches its run listener (metrics). */
    private UnaryOperator<JobRun> runs = UnaryOperator.identity();

    /**
     * @param file     the policy or job file {@code policy} was read from (its throttle section is re-read while a job
     *                 runs, as {@code run} does)
     * @param settings applied to each job's database section ({@code --jdbc-url} and the other connection options)
     */
    public JobService(PolicyFile policy, Path file, UnaryOperator<DatabaseSettings> settings) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.file = Objects.requireNonNull(file, "file");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.name = "declutter-serve-" + INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-run-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Extension point: {@code decorate} is applied to every {@link JobRun} before it runs (e.g. to pass it a run
     * listener that feeds the metrics, docs/serve.md); call it before {@link #start()}.
     */
    public JobService decorateRuns(UnaryOperator<JobRun> decorate) {
        this.runs = Objects.requireNonNull(decorate, "decorate");
        return this;
    }

    public PolicyFile policy() {
        return policy;
    }

    /** The job of that name; 404 when the file has none. */
    public JobFile job(String job) {
        return policy.find(job).orElseThrow(() -> new ApiError(ApiError.Kind.NOT_FOUND, "no job named '" + job
                + "' in " + file + "; its jobs are " + String.join(", ", policy.names())));
    }

    /**
     * Starts the schedules (one Quartz cron trigger per job with a {@code schedule}) and resumes the unfinished runs
     * (docs/serve.md#restarts).
     */
    public void start() throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, policy.jobs().size())));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.getContext().put(SERVICE, this);
        for (JobFile job : policy.jobs()) {
            if (job.schedule().isEmpty()) {
                continue;
            }
            Schedule s = job.schedule().get();
            String jobName = job.job().name();
            // A fire missed while the service was down or busy is not caught up: the next one comes as scheduled.
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(jobName).withSchedule(CronScheduleBuilder
                    .cronSchedule(s.cron()).inTimeZone(TimeZone.getTimeZone(s.zone()))
                    .withMisfireHandlingInstructionDoNothing()).build();
            scheduler.scheduleJob(JobBuilder.newJob(Fire.class).withIdentity(jobName).usingJobData("job", jobName)
                    .build(), trigger);
            LOG.info("job {}: scheduled '{}' ({}), next start {}", jobName, s.cron(), s.zone(),
                    trigger.getNextFireTime().toInstant());
        }
        scheduler.start();
        started = true;
        resumeUnfinished();
    }

    /** A scheduled start of a job, from Quartz. */
    @DisallowConcurrentExecution
    public static final class Fire implements org.quartz.Job {
        @Override
        public void execute(JobExecutionContext context) {
            try {
                ((JobService) context.getScheduler().getContext().get(SERVICE))
                        .fire(context.getMergedJobDataMap().getString("job"));
            } catch (SchedulerException e) {
                LOG.error("a scheduled start failed: {}", e.getMessage());
            }
        }
    }

    /** A job's schedule fired: start (or resume) its run; a run going elsewhere makes this start a no-op. */
    void fire(String job) {
        try {
            Triggered t = trigger(job, Optional.empty(), Caller.SCHEDULE);
            if (t.created()) {
                LOG.info("job {}: scheduled start: run {} began", job, t.run());
            } else if (t.run() != null) {
                LOG.info("job {}: scheduled start skipped: run {} is going (busy: the job's lock is taken)", job,
                        t.run());
            } else {
                LOG.info("job {}: scheduled start did nothing: {}", job, t.message());
            }
        } catch (ApiError e) {
            LOG.info("job {}: scheduled start skipped: {}", job, e.getMessage());
        } catch (Exception e) {
            LOG.error("job {}: scheduled start failed: {}", job, message(e));
        }
    }

    /** On start: every job's unfinished run that no one asked to stop is resumed (the service stopped under it). */
    private void resumeUnfinished() {
        for (JobFile job : policy.jobs()) {
            String jobName = job.job().name();
            try {
                Optional<Long> open = withProcs(jobName, (c, procs) -> {
                    Optional<Long> run = procs.openRun();
                    if (run.isPresent()) {
                        JobProcedures.RunInfo info = procs.runInfo(run.get());
                        if (!"running".equals(info.status()) || info.pauseRequested()) {
                            return Optional.<Long>empty();
                        }
                    }
                    return run;
                });
                if (open.isPresent()) {
                    Triggered t = trigger(jobName, Optional.empty(), Caller.RESTART);
                    LOG.info("job {}: unfinished run {} {}", jobName, open.get(), t.created() ? "resumed"
                            : t.run() != null ? "is driven elsewhere (busy)" : "not resumed: " + t.message());
                }
            } catch (RefusedException e) {
                LOG.warn("job {}: {}", jobName, e.kind() == ErrorKind.BAD_INPUT ? "not deployed in its database"
                        + " (declutter deploy); it runs once deployed: " + message(e)
                        : "its unfinished run, if any, was not resumed: " + message(e));
            } catch (Exception e) {
                LOG.warn("job {}: its unfinished run, if any, was not resumed: {}", jobName, message(e));
            }
        }
    }

    /** The next time the job's schedule fires; empty without a schedule. */
    public Optional<Instant> nextRun(String job) {
        try {
            Trigger t = scheduler == null ? null : scheduler.getTrigger(TriggerKey.triggerKey(job));
            return t == null || t.getNextFireTime() == null ? Optional.empty()
                    : Optional.of(t.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    /** Whether this instance drives a run of the job now, and which. */
    public Optional<Long> drivenRun(String job) {
        Driving d = driving.get(job);
        if (d == null || !d.begun().isDone() || d.begun().isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.ofNullable(d.begun().join().run());
    }

    /**
     * Starts (or resumes) a run of the job, as {@code run} would, on a worker thread; returns once it has begun or
     * was refused. With an Idempotency-Key used before, returns that key's run and starts nothing; while a run of the
     * job is going (here, or on another instance: the job's lock is taken), returns that run.
     */
    public Triggered trigger(String jobName, Optional<String> key, Caller caller) throws Exception {
        JobFile job = job(jobName);
        key.ifPresent(JobService::checkKey);
        synchronized (triggerLocks.computeIfAbsent(jobName, j -> new Object())) {
            Optional<Triggered> known = withProcs(jobName, (c, procs) -> {
                if (key.isPresent()) {
                    Optional<JobProcedures.ApiRequest> earlier = procs.apiRequest(key.get());
                    if (earlier.isPresent()) {
                        if (!earlier.get().job().equals(jobName)) {
                            throw new ApiError(ApiError.Kind.BAD_INPUT, "Idempotency-Key '" + key.get() + "' was used"
                                    + " for job " + earlier.get().job() + ", not " + jobName + "; choose a new key");
                        }
                        return Optional.of(new Triggered(jobName, earlier.get().run(), false, ExitCodes.OK,
                                "run " + earlier.get().run() + " was started with this Idempotency-Key"));
                    }
                }
                return drivenRun(jobName).map(run -> new Triggered(jobName, run, false, ExitCodes.OK,
                        "run " + run + " of job " + jobName + " is going"));
            });
            if (known.isPresent()) {
                return known.get();
            }
            CompletableFuture<Begun> begun = new CompletableFuture<>();
            StringBuilder said = new StringBuilder();
            workers.submit(() -> drive(job, begun, said, caller));
            Begun b;
            try {
                b = begun.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RefusedException r && r.kind() == ErrorKind.BUSY) {
                    // Another instance (or a runner from cron) holds the job's lock: answer with its run, once it
                    // has begun (the other instance may still be rehearsing it).
                    Optional<Long> open = Optional.empty();
                    for (int i = 0; i < BUSY_CHECKS && open.isEmpty(); i++) {
                        if (i > 0) {
                            Thread.sleep(BUSY_CHECK_MS);
                        }
                        open = withProcs(jobName, (c, procs) -> procs.openRun());
                    }
                    if (open.isPresent()) {
                        return new Triggered(jobName, open.get(), false, ExitCodes.STOPPED, "run " + open.get()
                                + " of job " + jobName + " is going elsewhere (the job's lock is taken)");
                    }
                    throw new ApiError(ApiError.Kind.BUSY, r.getMessage(), r);
                }
                throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
            }
            if (b.run() == null) {
                return new Triggered(jobName, null, false, b.exitCode(), said.toString().strip());
            }
            long run = b.run();
            withProcs(jobName, (c, procs) -> {
                procs.noteApiCall(run, "run started through declutter serve by " + caller.describe()
                        + key.map(k -> ", Idempotency-Key " + k).orElse(""));
                if (key.isPresent() && !procs.recordApiRequest(key.get(), run, caller.name())) {
                    LOG.warn("job {}: Idempotency-Key {} was recorded meanwhile by another instance", jobName, key.get());
                }
                return null;
            });
            return new Triggered(jobName, run, true, ExitCodes.OK, "run " + run + " of job " + jobName + " began");
        }
    }

    /** The run itself, on a worker thread with its own connection (the job's advisory lock is this session's). */
    private void drive(JobFile job, CompletableFuture<Begun> begun, StringBuilder said, Caller caller) {
        String jobName = job.job().name();
        try (Connection c = open(job)) {
            Dialect d = dialect(job, c);
            driving.put(jobName, new Driving(c, begun));
            PrintWriter out = new PrintWriter(new LogLines(jobName, said, begun), true);
            LOG.info("job {}: starting, asked by {}", jobName, caller.describe());
            DatabaseSettings login = settings.apply(job.database());
            int code = runs.apply(new JobRun(job, file, c, d, out, out, JobRun.Options.defaults())
                    .connectingOthersWith(url -> Connections.open(url, login.user(), login.password(System.getenv())))
                    .onBegun(run -> begun.complete(new Begun(run, ExitCodes.OK)))).call();
            out.flush();
            if (!begun.complete(new Begun(null, code))) {
                LOG.info("job {}: run ended with exit code {}", jobName, code);
            }
        } catch (Throwable e) {
            if (!begun.completeExceptionally(e)) {
                if (closing) {
                    LOG.info("job {}: its run stopped with the service ({}); it resumes at the next start", jobName,
                            message(e));
                } else {
                    LOG.error("job {}: run ended with an error: {}", jobName, message(e));
                }
            }
        } finally {
            driving.remove(jobName);
        }
    }

    /** Asks the run to stop after its current unit (as {@code declutter stop}); it stays resumable. */
    public boolean stop(String jobName, long run, Caller caller) throws Exception {
        return withProcs(jobName, (c, procs) -> {
            JobProcedures.RunInfo info = requireRun(procs, run);
            if (!List.of("running", "failed").contains(info.status())) {
                throw new ApiError(ApiError.Kind.BAD_INPUT, "run " + run + " of job " + jobName + " is "
                        + info.status() + ": only an unfinished run can be stopped");
            }
            procs.noteApiCall(run, "stop requested through declutter serve by " + caller.describe());
            procs.requestPause(run);
            LOG.info("job {}: run {} asked to stop by {}", jobName, run, caller.describe());
            return true;
        });
    }

    /** Work on a job's deployed procedures, on a connection of its own. */
    public interface ProcsWork<T> {
        T apply(Connection c, JobProcedures procs) throws Exception;
    }

    /** Runs {@code work} with the job's procedures; 400 when the job is not deployed, 503 without a database. */
    public <T> T withProcs(String jobName, ProcsWork<T> work) throws Exception {
        JobFile job = job(jobName);
        try (Connection c = open(job)) {
            JobProcedures procs = dialect(job, c).procedures(c, job.job());
            procs.requireDeployed();
            return work.apply(c, procs);
        }
    }

    /** The run of the job; 404 when it has no such run. */
    public static JobProcedures.RunInfo requireRun(JobProcedures procs, long run) throws SQLException {
        try {
            return procs.runInfo(run);
        } catch (RefusedException e) {
            if (e.kind() == ErrorKind.BAD_INPUT) {
                throw new ApiError(ApiError.Kind.NOT_FOUND, e.getMessage(), e);
            }
            throw e;
        }
    }

    /** A connection to the job's database, as the job file and the command's options say. */
    public Connection open(JobFile job) {
        DatabaseSettings s = settings.apply(job.database());
        String url = s.url().orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, "job " + job.job().name()
                + ": no database given: set database.url in the job file or pass --jdbc-url"));
        return Connections.open(url, s.user(), s.password(System.getenv()));
    }

    /** The dialect of the job's database. */
    public Dialect dialect(JobFile job, Connection c) throws SQLException {
        return Dialects.forJdbcUrl(settings.apply(job.database()).url().orElseThrow()).forConnection(c);
    }

    /** Ready: the scheduler runs and every job's database answers. */
    public boolean ready() {
        if (!started || scheduler == null) {
            return false;
        }
        try {
            if (!scheduler.isStarted() || scheduler.isShutdown()) {
                return false;
            }
        } catch (SchedulerException e) {
            return false;
        }
        List<String> checked = new ArrayList<>();
        for (JobFile job : policy.jobs()) {
            String url = settings.apply(job.database()).url().orElse("");
            if (checked.contains(url)) {
                continue;
            }
            checked.add(url);
            try (Connection c = open(job)) {
                if (!c.isValid(5)) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the schedules, and the runs this instance drives as a killed runner would stop: the unit in progress
     * rolls back whole, and the next start (of this or another instance) resumes the run (docs/serve.md#restarts).
     */
    @Override
    public void close() {
        started = false;
        closing = true;
        if (scheduler != null) {
            try {
                scheduler.shutdown(false);
            } catch (SchedulerException e) {
                LOG.warn("the scheduler did not stop cleanly: {}", e.getMessage());
            }
        }
        for (Map.Entry<String, Driving> d : driving.entrySet()) {
            LOG.info("job {}: the service stops; its run is left to resume at the next start", d.getKey());
            try {
                d.getValue().connection().abort(Runnable::run);
            } catch (SQLException e) {
                LOG.warn("job {}: {}", d.getKey(), e.getMessage());
            }
        }
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a run's thread did not end within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void checkKey(String key) {
        if (key.isEmpty() || key.length() > 200 || !key.chars().allMatch(ch -> ch > 32 && ch < 127)) {
            throw new ApiError(ApiError.Kind.BAD_INPUT, "an Idempotency-Key is 1 to 200 printable ASCII characters"
                    + " without spaces (a UUID is a good one)");
        }
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * What a run prints, as the service's log lines (prefixed with the job's name); what it said before it began is
     * also kept, to answer a trigger that started nothing with the reason.
     */
    private static final class LogLines extends Writer {
        private final String job;
        private final StringBuilder said;
        private final CompletableFuture<Begun> begun;
        private final StringBuilder line = new StringBuilder();

        LogLines(String job, StringBuilder said, CompletableFuture<Begun> begun) {
            this.job = job;
            this.said = said;
            this.begun = begun;
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char ch = buf[i];
                if (ch == '\n' || ch == '\r') {
                    emit();
                } else {
                    line.append(ch);
                }
            }
        }

        private void emit() {
            if (line.length() == 0) {
                return;
            }
            String text = line.toString();
            line.setLength(0);
            LOG.info("job {}: {}", job, text);
            if (!begun.isDone()) {
                synchronized (said) {
                    said.append(text).append('\n');
                }
            }
        }

        @Override
        public synchronized void flush() {
            emit();
        }

        @Override
        public synchronized void close() {
            emit();
        }
    }
}
