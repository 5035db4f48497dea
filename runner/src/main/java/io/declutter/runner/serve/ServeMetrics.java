package io.declutter.runner.serve;

import io.declutter.dialect.HealthReading;
import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.JobProcedures;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.PurgeLoop;
import io.declutter.runner.purge.RunListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's metrics (docs/serve.md#metrics), fed by the run loop as a {@link RunListener} and shown at
 * {@code /metrics} in Prometheus' text format: rows cached, deleted and restored per job and table, the duration of
 * every unit of work, holds by reason, the throttle's signal values, each job's run state and its last success.
 * Counters count what this process saw (they start at 0 when the service starts, as Prometheus expects).
 */
public final class ServeMetrics implements RunListener {

    /** The content type of {@link #scrape()}: Prometheus' text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The run states of {@code declutter_run_state}, one series each, 1 for the job's current state. */
    public static final List<String> STATES = List.of("idle", "running", "holding", "done", "stopped", "failed");

    /** Bucket bounds of {@code declutter_batch_duration_seconds}: from a few milliseconds to a statement timeout. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, JobGauges> jobs = new ConcurrentHashMap<>();

    /** A value a gauge reads; NaN until known. */
    private static final class Value {
        private volatile double value = Double.NaN;
    }

    /** What the gauges of one job read. */
    private static final class JobGauges {
        private volatile String state = "idle";
        private volatile double holding;
        private final Value lastSuccess = new Value();
        private final Map<String, Value> signals = new ConcurrentHashMap<>();
        /** The hold reasons (kinds) counted during the current hold: a reason joining a hold counts once. */
        private final Set<String> holdKinds = ConcurrentHashMap.newKeySet();
        private volatile boolean lastSuccessRegistered;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every metric in Prometheus' text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Shows a job before it runs: its run state (idle) and whether it holds (0). Jobs the loop reports are added when
     * first seen.
     */
    public void addJob(String job) {
        gauges(job);
    }

    /** The end of the job's last successful run, as the database remembers it (when the service starts). */
    public void lastSuccess(String job, Instant ended) {
        JobGauges g = gauges(job);
        g.lastSuccess.value = ended.toEpochMilli() / 1000.0;
        registerLastSuccess(job, g);
    }

    private JobGauges gauges(String job) {
        return jobs.computeIfAbsent(job, j -> {
            JobGauges g = new JobGauges();
            for (String state : STATES) {
                Gauge.builder("declutter.run.state", g, x -> state.equals(x.state) ? 1 : 0)
                        .description("1 for the job's current run state, else 0").tags("job", j, "state", state)
                        .register(registry);
            }
            Gauge.builder("declutter.holding", g, x -> x.holding)
                    .description("1 while the job's run holds for the throttle (docs/throttle.md#holds), else 0")
                    .tags("job", j).register(registry);
            return g;
        });
    }

    private void registerLastSuccess(String job, JobGauges g) {
        if (!g.lastSuccessRegistered) {
            synchronized (g) {
                if (!g.lastSuccessRegistered) {
                    Gauge.builder("declutter.last.success.timestamp", g.lastSuccess, v -> v.value).baseUnit("seconds")
                            .description("when the job's last run that ended done ended, in seconds since the epoch")
                            .tags("job", job).register(registry);
                    g.lastSuccessRegistered = true;
                }
            }
        }
    }

    @Override
    public void runStarted(String job, long run) {
        gauges(job).state = "running";
    }

    @Override
    public void unitDone(String job, long run, String phase, Duration took, List<JobProcedures.LoggedRows> rows) {
        Timer.builder("declutter.batch.duration").description("time of each unit of work (a cache step or a delete"
                        + " batch), by the phase the step procedure reported").tags("job", job, "phase", phase)
                .serviceLevelObjectives(BUCKETS).register(registry).record(took);
        count(job, rows);
    }

    @Override
    public void rowsRestored(String job, long run, List<JobProcedures.LoggedRows> rows) {
        gauges(job);
        count(job, rows);
    }

    private void count(String job, List<JobProcedures.LoggedRows> rows) {
        for (JobProcedures.LoggedRows r : rows) {
            String what = switch (r.action()) {
                case "cache", "catch-up" -> "cached";
                case "delete", "catch-up delete" -> "deleted";
                case "restore" -> "restored";
                default -> null;
            };
            if (what != null) {
                Counter.builder("declutter.rows." + what).description("rows " + what + " by the job's runs, per table")
                        .tags("job", job, "table", r.table()).register(registry).increment(r.rows());
            }
        }
    }

    @Override
    public void signalsRead(String job, long run, List<HealthReading> readings) {
        JobGauges g = gauges(job);
        for (HealthReading r : readings) {
            String signal = r.signal().resource();
            Value v = g.signals.computeIfAbsent(signal, s -> {
                Value created = new Value();
                Gauge.builder("declutter.throttle.signal", created, x -> x.value)
                        .description("the last value read of a throttle signal, in seconds, bytes, bytes per second"
                                + " or a count (docs/serve.md#metrics); NaN when it could not be read")
                        .tags("job", job, "signal", s).register(registry);
                return created;
            });
            v.value = r.value() == null ? Double.NaN : inBaseUnit(r.signal(), r.value());
        }
    }

    /** Milliseconds as seconds; bytes, bytes per second and counts as they are. */
    static double inBaseUnit(HealthSignal signal, double value) {
        return switch (signal) {
            case REPLICA_LAG, TRANSACTION_AGE, CANARY -> value / 1000.0;
            default -> value;
        };
    }

    @Override
    public void holdStarted(String job, long run, String reason, List<HealthReading> causes) {
        JobGauges g = gauges(job);
        g.state = "holding";
        g.holding = 1;
        g.holdKinds.clear();
        countHoldKinds(job, g, causes);
    }

    @Override
    public void holdChecked(String job, long run, String reason, List<HealthReading> causes) {
        countHoldKinds(job, gauges(job), causes);
    }

    private void countHoldKinds(String job, JobGauges g, List<HealthReading> causes) {
        for (HealthReading r : causes) {
            String kind = holdKind(r);
            if (g.holdKinds.add(kind)) {
                Counter.builder("declutter.holds").description("holds of the job's runs, by the signal that held"
                        + " (<signal>_unknown: unreadable with onUnknown: hold)").tags("job", job, "reason", kind)
                        .register(registry).increment();
            }
        }
    }

    /** The signal that holds, or {@code <signal>_unknown} when it could not be read and the job holds then. */
    static String holdKind(HealthReading r) {
        return r.signal().resource() + (r.verdict() == HealthReading.Verdict.UNKNOWN ? "_unknown" : "");
    }

    @Override
    public void holdEnded(String job, long run, Duration held) {
        JobGauges g = gauges(job);
        g.holding = 0;
        if ("holding".equals(g.state)) {
            g.state = "running";
        }
        g.holdKinds.clear();
        Counter.builder("declutter.held").baseUnit("seconds").description("time the job's runs held, in all")
                .tags("job", job).register(registry).increment(held.toMillis() / 1000.0);
    }

    @Override
    public void runEnded(String job, long run, PurgeLoop.Outcome outcome) {
        JobGauges g = gauges(job);
        String state = outcome.exitCode() == ExitCodes.OK ? "done"
                : outcome.exitCode() == ExitCodes.STOPPED ? "stopped" : "failed";
        g.state = state;
        g.holding = 0;
        Counter.builder("declutter.runs").description("runs the loop stopped driving, by how they ended")
                .tags("job", job, "outcome", state).register(registry).increment();
        if (outcome.exitCode() == ExitCodes.OK) {
            g.lastSuccess.value = Instant.now().toEpochMilli() / 1000.0;
            registerLastSuccess(job, g);
        }
    }
}
