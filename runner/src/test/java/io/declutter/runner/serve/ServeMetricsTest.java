package io.declutter.runner.serve;

import io.declutter.dialect.Dialects;
import io.declutter.dialect.JobProcedures;
import io.declutter.model.Throttle;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.purge.ProgressBar;
import io.declutter.runner.purge.PurgeLoop;
import io.declutter.runner.purge.RunListener;
import io.declutter.runner.purge.StatusReport;
import io.declutter.runner.testing.DemoPurge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.Writer;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The service's metrics fed by a real run loop (docs/serve.md#metrics): the demo job purged by {@link PurgeLoop} with
 * {@link ServeMetrics} listening, against a real PostgreSQL, then rolled back; the Prometheus text it scrapes must say
 * what the database says: rows cached, deleted and restored per table equal the run's status, units were timed, a
 * hold (a real canary query slower than its limit for the first two readings) was counted with its reason, the
 * signals have values, and the job ended done with its last success time.
 */
class ServeMetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static DemoPurge demo;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("metrics");
        demo.generateAndDeploy();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private static Throttle throttle(Optional<Throttle.Canary> canary) {
        return new Throttle(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), false, OptionalInt.of(1000), canary, Throttle.OnUnknown.GO, Optional.empty(),
                Throttle.DEFAULT_MIN_BATCH_SIZE, Throttle.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void aRunAndItsRollbackAreCountedAsTheDatabaseRecordsThem() throws Exception {
        ServeMetrics metrics = new ServeMetrics();
        metrics.addJob(DemoPurge.JOB);
        String job = "job=\"" + DemoPurge.JOB + "\"";
        Map<String, Double> before = samples(metrics.scrape());
        assertThat(before.get("declutter_run_state{" + job + ",state=\"idle\"}")).isEqualTo(1.0);
        assertThat(before.get("declutter_holding{" + job + "}")).isEqualTo(0.0);

        // The first two readings hold: a canary query of the database slower than its limit (a DBA then relaxes it).
        Throttle slow = throttle(Optional.of(new Throttle.Canary("SELECT pg_sleep(0.2)", Duration.ofMillis(50))));
        Throttle relaxed = throttle(Optional.empty());
        AtomicInteger reads = new AtomicInteger();
        Supplier<Throttle> limits = () -> reads.getAndIncrement() < 2 ? slow : relaxed;

        try (Connection c = demo.connect()) {
            JobProcedures procs = demo.procs(c);
            procs.lockJob();
            long run = procs.beginRun(Optional.empty(), 40);
            Instant started = Instant.now();
            PurgeLoop loop = new PurgeLoop(procs, 40, Optional.empty(), Optional.empty(),
                    new ProgressBar(new PrintWriter(Writer.nullWriter()), false, 0),
                    Dialects.forJdbcUrl(c.getMetaData().getURL()).healthSignals(c, procs.tables()), limits)
                    .reportingTo(metrics);
            PurgeLoop.Outcome outcome = loop.drive(run);
            Instant ended = Instant.now();
            assertThat(outcome.exitCode()).as(outcome.message()).isEqualTo(ExitCodes.OK);

            StatusReport.RunStatus status = StatusReport.read(c, procs, run);
            assertThat(status.deleted()).isGreaterThan(100);
            Map<String, Double> m = samples(metrics.scrape());
            for (StatusReport.TableStatus t : status.tables()) {
                String series = "{" + job + ",table=\"" + t.table() + "\"}";
                assertThat(m.getOrDefault("declutter_rows_cached_total" + series, 0.0)).as("cached " + t.table())
                        .isEqualTo((double) t.cached());
                assertThat(m.getOrDefault("declutter_rows_deleted_total" + series, 0.0)).as("deleted " + t.table())
                        .isEqualTo((double) t.deleted());
            }
            assertThat(sum(m, "declutter_rows_deleted_total{")).isEqualTo((double) status.deleted());

            double deleteBatches = m.get("declutter_batch_duration_seconds_count{" + job + ",phase=\"delete\"}");
            assertThat(deleteBatches).as("delete batches of at most 40 rows").isGreaterThanOrEqualTo(
                    Math.ceil(status.deleted() / 40.0 / status.tables().size()));
            assertThat(m.get("declutter_batch_duration_seconds_bucket{" + job + ",phase=\"delete\",le=\"+Inf\"}"))
                    .isEqualTo(deleteBatches);
            assertThat(m.get("declutter_batch_duration_seconds_count{" + job + ",phase=\"cache\"}")).isPositive();
            assertThat(m.get("declutter_batch_duration_seconds_sum{" + job + ",phase=\"delete\"}")).isPositive();

            assertThat(m.get("declutter_holds_total{" + job + ",reason=\"canary\"}")).as("one hold, for the canary")
                    .isEqualTo(1.0);
            JobProcedures.HoldState logged = procs.holdState(run);
            assertThat(logged.holds()).as("the hold is in the log as before (docs/throttle.md#holds)").isEqualTo(1);
            assertThat(logged.holding()).isFalse();
            assertThat(m.get("declutter_held_seconds_total{" + job + "}")).as("two readings of 0.2 s and a back-off")
                    .isGreaterThanOrEqualTo(0.4);
            assertThat(m.get("declutter_holding{" + job + "}")).isEqualTo(0.0);
            assertThat(m.get("declutter_throttle_signal{" + job + ",signal=\"canary\"}")).as("seconds")
                    .isBetween(0.2, 5.0);
            assertThat(m.get("declutter_throttle_signal{" + job + ",signal=\"active_sessions\"}")).isBetween(0.0, 1000.0);
            assertThat(m.get("declutter_throttle_signal{" + job + ",signal=\"blocked_sessions\"}")).isEqualTo(0.0);

            for (String state : ServeMetrics.STATES) {
                assertThat(m.get("declutter_run_state{" + job + ",state=\"" + state + "\"}")).as(state)
                        .isEqualTo("done".equals(state) ? 1.0 : 0.0);
            }
            assertThat(m.get("declutter_runs_total{" + job + ",outcome=\"done\"}")).isEqualTo(1.0);
            assertThat(m.get("declutter_last_success_timestamp_seconds{" + job + "}"))
                    .isBetween(started.getEpochSecond() - 1.0, ended.getEpochSecond() + 1.0);

            // A service started now shows the run's end as the job's last success, from the database.
            assertThat(procs.lastSuccess()).contains(status.ended());
            ServeMetrics restarted = new ServeMetrics();
            restarted.lastSuccess(DemoPurge.JOB, procs.lastSuccess().orElseThrow());
            assertThat(samples(restarted.scrape()).get("declutter_last_success_timestamp_seconds{" + job + "}"))
                    .isCloseTo(status.ended().toEpochMilli() / 1000.0, within(0.001));

            // The rollback as the service does it: every restored row counted against its table.
            RunListener.rollBack(procs, run, metrics);
            StatusReport.RunStatus back = StatusReport.read(c, procs, run);
            assertThat(back.status()).isEqualTo("rolled back");
            assertThat(back.restored()).isEqualTo(status.deleted());
            Map<String, Double> after = samples(metrics.scrape());
            for (StatusReport.TableStatus t : back.tables()) {
                assertThat(after.getOrDefault("declutter_rows_restored_total{" + job + ",table=\"" + t.table() + "\"}",
                        0.0)).as("restored " + t.table()).isEqualTo((double) t.restored());
            }
            assertThat(sum(after, "declutter_rows_restored_total{")).isCloseTo(back.restored(), within(0.0));
            assertThat(procs.lastSuccess()).as("a run rolled back is no success to show").isEmpty();
        }
    }

    /** Each sample of the Prometheus text, by name and labels as written. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static double sum(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue)
                .sum();
    }
}
