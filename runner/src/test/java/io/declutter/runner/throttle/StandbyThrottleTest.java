package io.declutter.runner.throttle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.dialect.Resources;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.localdb.StandbyPair;
import io.declutter.runner.testing.TestStandby;
import io.declutter.runner.testing.TableRows;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttle against a real primary and streaming standby of the test's own (docs/throttle.md#tests): the demo job
 * holds while the standby's replay is paused and its lag is over {@code maxReplicaLag}, and goes on after replay
 * resumes; it holds while another session's transaction is older than {@code maxTransactionAge}, until it ends; a
 * signal that cannot be read holds with {@code onUnknown: hold} until the job file, re-read between units, says go.
 * Every hold is in the log and in {@code status --json} while it lasts; every purge ends complete, removing exactly
 * the closure the independent oracle computes. Lag is made deterministic by waiting, before the run starts, until it
 * is over the limit; nothing is timed.
 */
class StandbyThrottleTest {

    private static final String TEMPLATE = "demo_deployed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StandbyPair pair;
    private static Path dir;
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool();

    @BeforeAll
    static void setUp() throws Exception {
        pair = TestStandby.start();
        dir = Files.createTempDirectory("declutter-throttle");
        try (Connection c = pair.connectPrimary("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + TEMPLATE);
        }
        try (Connection c = pair.connectPrimary(TEMPLATE)) {
            TestDatabase.loadDemo(c);
        }
        Path job = jobFile(TEMPLATE, "");
        Path generated = dir.resolve("generated");
        cli(0, "generate", "-j", job.toString(), "-o", generated.toString());
        cli(0, "deploy", "-j", job.toString(), "--dir", generated.toString());
    }

    @AfterAll
    static void tearDown() throws Exception {
        BACKGROUND.shutdownNow();
        if (pair != null) {
            pair.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void holdsWhileTheStandbyLagsAndGoesOnWhenItCatchesUp() throws Exception {
        String db = copy("lag");
        Path job = jobFile(db, "throttle:\n  maxReplicaLag: 1s\n");
        Purge purge = Purge.before(db);
        Future<Cli.Result> run;
        pair.pauseReplay();
        try {
            // WAL the standby does not replay, then wait until the primary sees its replay lag over the limit.
            try (Connection c = pair.connectPrimary(db); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.wal_filler AS SELECT g FROM generate_series(1, 1000) AS g");
            }
            pair.awaitTrue(pair.primaryUrl("postgres"), "SELECT COALESCE(replay_lag > interval '1500 ms', false)"
                    + " FROM pg_stat_replication WHERE application_name = '" + StandbyPair.STANDBY_NAME + "'",
                    Duration.ofSeconds(60), "the standby's replay lag is over 1.5 s");
            run = BACKGROUND.submit(() -> Cli.run("run", "-j", job.toString()));
            JsonNode hold = awaitHolding(job, run);
            assertThat(hold.get("reason").asText()).contains("standby " + StandbyPair.STANDBY_NAME + " replay lag")
                    .contains("> 1s");
            assertThat(purge.deletedSoFar(db)).as("rows deleted while the standby lagged").isZero();
        } finally {
            pair.resumeReplay();
        }
        Cli.Result result = awaitRun(run);
        assertThat(result.err()).contains("holding: standby " + StandbyPair.STANDBY_NAME + " replay lag");
        purge.assertCompleteAndHeld(db, job, "standby " + StandbyPair.STANDBY_NAME + " replay lag");
        pair.awaitCaughtUp();
        try (Connection c = pair.connectStandby(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM app.tenants WHERE status = 'closed'"
                     + " AND closed_at < now() - interval '90 days'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("purged tenants left on the standby").isZero();
        }
    }

    /**
     * The bound of docs/throttle.md#holds, in bytes: the purge starts a unit only while every standby's unreplayed
     * WAL is within {@code maxReplicaLagBytes}, so the lag never exceeds the limit by more than the WAL written until
     * the next reading, one unit's worth. Replay is paused until the run holds, then resumed until the standby has
     * caught up and paused again, over and over, so the lag keeps meeting the limit; a thread of its own samples the
     * lag as the primary reports it throughout. The WAL of each unit is measured by the primary's WAL position at the
     * end of each unit (a deferred trigger on the run log, which every unit writes to in its own transaction, notes
     * it at commit into an unlogged table, which writes no WAL). Whatever the timing, no sample may exceed the limit
     * plus the largest unit; nothing is timed.
     */
    @Test
    void withMaxReplicaLagBytesTheLagStaysWithinTheLimitPlusOneUnit() throws Exception {
        String db = copy("lagbytes");
        long limit = 64 * 1024;
        Path job = jobFile(db, "throttle:\n  maxReplicaLagBytes: 64kB\n");
        Purge purge = Purge.before(db);
        try (Connection c = pair.connectPrimary(db); Statement st = c.createStatement()) {
            st.execute("CREATE UNLOGGED TABLE public.wal_marks (lsn pg_lsn NOT NULL)");
            st.execute("CREATE FUNCTION public.mark_wal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO public.wal_marks VALUES (pg_current_wal_insert_lsn()); RETURN NULL; END $$");
            st.execute("CREATE CONSTRAINT TRIGGER mark_wal AFTER INSERT ON declutter.log DEFERRABLE INITIALLY DEFERRED"
                    + " FOR EACH ROW EXECUTE FUNCTION public.mark_wal()");
        }
        pair.awaitCaughtUp();
        pair.pauseReplay();
        String startLsn;
        long startLag;
        try (Connection c = pair.connectPrimary(db); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                rs.next();
                startLsn = rs.getString(1);
            }
            startLag = replayLagBytes(st);
        }
        assertThat(startLag).as("lag before the run").isLessThanOrEqualTo(limit);
        java.util.concurrent.atomic.AtomicLong maxLag = new java.util.concurrent.atomic.AtomicLong(startLag);
        java.util.concurrent.atomic.AtomicLong samples = new java.util.concurrent.atomic.AtomicLong();
        Future<Cli.Result> run;
        Future<?> sampler;
        int cycles = 0;
        try {
            // Without the closing VACUUM: it runs after the last unit, unthrottled (docs/throttle.md#holds).
            run = BACKGROUND.submit(() -> Cli.run("run", "-j", job.toString(), "--no-vacuum"));
            sampler = BACKGROUND.submit(() -> {
                try (Connection c = pair.connectPrimary("postgres"); Statement st = c.createStatement()) {
                    while (!run.isDone()) {
                        maxLag.accumulateAndGet(replayLagBytes(st), Math::max);
                        samples.incrementAndGet();
                    }
                }
                return null;
            });
            try (Connection c = pair.connectPrimary(db); Statement st = c.createStatement()) {
                long released = 0; // the last hold released (its log_id): each hold is released once
                while (!run.isDone()) {
                    long hold;
                    try (ResultSet rs = st.executeQuery("SELECT COALESCE(max(log_id), 0) FROM declutter.log"
                            + " WHERE action = 'hold'")) {
                        rs.next();
                        hold = rs.getLong(1);
                    }
                    boolean holding = hold > released;
                    if (holding) {
                        // until the primary sees the standby caught up: the purge reads the lag there
                        String lsn;
                        try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                            rs.next();
                            lsn = rs.getString(1);
                        }
                        pair.resumeReplay();
                        pair.awaitTrue(pair.primaryUrl("postgres"), "SELECT replay_lsn >= '" + lsn + "'::pg_lsn FROM"
                                + " pg_stat_replication WHERE application_name = '" + StandbyPair.STANDBY_NAME + "'",
                                Duration.ofSeconds(60), "the primary sees the standby replayed up to " + lsn);
                        pair.pauseReplay();
                        released = hold;
                        cycles++;
                    } else {
                        Thread.sleep(50);
                    }
                }
            }
        } finally {
            pair.resumeReplay();
        }
        Cli.Result result = awaitRun(run);
        sampler.get(60, TimeUnit.SECONDS);
        assertThat(result.err()).contains("holding: standby " + StandbyPair.STANDBY_NAME + " has ");
        purge.assertCompleteAndHeld(db, job, "of WAL not replayed > 64.0 kB");
        List<Long> units = new ArrayList<>();
        try (Connection c = pair.connectPrimary(db); PreparedStatement ps = c.prepareStatement("SELECT"
                + " pg_wal_lsn_diff(lsn, lag(lsn, 1, ?::pg_lsn) OVER (ORDER BY lsn))::bigint FROM public.wal_marks")) {
            ps.setString(1, startLsn);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    units.add(rs.getLong(1));
                }
            }
        }
        long largest = units.stream().mapToLong(Long::longValue).max().orElseThrow();
        // A unit's commit record comes after its mark: it is counted with the next unit, so one is added.
        long commitRecord = 1024;
        System.err.printf("[lag bound] largest lag sampled %d bytes (%d samples); limit %d + largest unit %d bytes"
                + " (%d units); %d holds released%n", maxLag.get(), samples.get(), limit, largest, units.size(), cycles);
        assertThat(maxLag.get()).as("largest lag sampled (%d samples, %d holds released, %d units, largest %d"
                        + " bytes)", samples.get(), cycles, units.size(), largest)
                .isLessThanOrEqualTo(limit + largest + commitRecord);
        assertThat(cycles).as("times the purge held for the lag").isPositive();
    }

    private static long replayLagBytes(Statement st) throws java.sql.SQLException {
        try (ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint"
                + " FROM pg_stat_replication WHERE application_name = '" + StandbyPair.STANDBY_NAME + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Test
    void holdsWhileAnOldTransactionIsOpenUntilItEnds() throws Exception {
        String db = copy("xact");
        Path job = jobFile(db, "throttle:\n  maxTransactionAge: 1s\n");
        Purge purge = Purge.before(db);
        Future<Cli.Result> run;
        try (Connection idle = pair.connectPrimary(db)) {
            idle.setAutoCommit(false);
            try (Statement st = idle.createStatement()) {
                st.execute("SELECT count(*) FROM app.tenants"); // now idle in transaction
            }
            pair.awaitTrue(pair.primaryUrl("postgres"), "SELECT count(*) > 0 FROM pg_stat_activity WHERE state ="
                    + " 'idle in transaction' AND xact_start < clock_timestamp() - interval '1500 ms'",
                    Duration.ofSeconds(60), "a transaction has been idle for 1.5 s");
            run = BACKGROUND.submit(() -> Cli.run("run", "-j", job.toString()));
            JsonNode hold = awaitHolding(job, run);
            assertThat(hold.get("reason").asText()).contains("transaction of session").contains("idle in transaction")
                    .contains("> 1s");
            assertThat(purge.deletedSoFar(db)).as("rows deleted while the transaction was open").isZero();
            idle.rollback();
        }
        Cli.Result result = awaitRun(run);
        assertThat(result.err()).contains("holding: transaction of session");
        purge.assertCompleteAndHeld(db, job, "transaction of session");
    }

    @Test
    void holdsWhileAVacuumWorksOnAPurgedTableAndGoesOnAfterIt() throws Exception {
        String db = copy("vacuum");
        Path job = jobFile(db, "throttle:\n  pauseOnAutovacuum: true\n");
        Purge purge = Purge.before(db);
        Future<Cli.Result> run;
        int vacuumPid;
        try (Connection pin = pair.connectPrimary(db); Connection vacuum = pair.connectPrimary(db)) {
            // Another session's VACUUM of a purged table, kept going by a cursor pinning the table's first page:
            // VACUUM (FREEZE) must freeze its rows, so it waits for the page's cleanup lock until the cursor closes.
            pin.setAutoCommit(false);
            try (Statement st = pin.createStatement()) {
                st.execute("DECLARE pin CURSOR FOR SELECT * FROM app.tenants");
                st.execute("FETCH 1 FROM pin");
            }
            try (Statement st = vacuum.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                vacuumPid = rs.getInt(1);
            }
            Future<?> vacuuming = BACKGROUND.submit(() -> vacuum.createStatement().execute("VACUUM (FREEZE) app.tenants"));
            pair.awaitTrue(pair.primaryUrl(db), "SELECT count(*) = 1 FROM pg_stat_progress_vacuum AS p JOIN"
                    + " pg_stat_activity AS a USING (pid) WHERE p.pid = " + vacuumPid + " AND a.wait_event = 'BufferPin'",
                    Duration.ofSeconds(60), "the VACUUM waits for the pinned page");
            run = BACKGROUND.submit(() -> Cli.run("run", "-j", job.toString()));
            JsonNode hold = awaitHolding(job, run);
            assertThat(hold.get("reason").asText()).isEqualTo("VACUUM of session " + vacuumPid
                    + " on app.tenants (scanning heap)");
            assertThat(purge.deletedSoFar(db)).as("rows deleted while the VACUUM worked").isZero();
            pin.rollback();
            vacuuming.get(60, TimeUnit.SECONDS);
        }
        Cli.Result result = awaitRun(run);
        assertThat(result.err()).contains("holding: VACUUM of session " + vacuumPid + " on app.tenants");
        purge.assertCompleteAndHeld(db, job, "VACUUM of session " + vacuumPid + " on app.tenants");
    }

    @Test
    void anUnreadableSignalHoldsWithOnUnknownHoldUntilTheJobFileSaysGo() throws Exception {
        String db = copy("unknown");
        String canary = "throttle:\n  canary:\n    sql: SELECT * FROM app.no_such_table\n    maxLatency: 1s\n";
        Path job = jobFile(db, canary + "  onUnknown: hold\n");
        Purge purge = Purge.before(db);
        Future<Cli.Result> run = BACKGROUND.submit(() -> Cli.run("run", "-j", job.toString()));
        JsonNode hold = awaitHolding(job, run);
        assertThat(hold.get("reason").asText()).contains("canary").contains("no_such_table");
        assertThat(purge.deletedSoFar(db)).isZero();
        assertThat(cli(0, "status", "-j", job.toString()).out()).contains("holding since ")
                .contains("): canary: the canary query failed: ").contains("held 1 time(s)");
        // Changed while the run holds: the runner reads the throttle section again before its next unit.
        Files.writeString(job, Files.readString(job).replace("onUnknown: hold", "onUnknown: go"));
        Cli.Result result = awaitRun(run);
        assertThat(result.err()).contains("holding: canary");
        purge.assertCompleteAndHeld(db, job, "canary");
    }

    @Test
    void anUnreadableSignalIsIgnoredWithOnUnknownGo() throws Exception {
        String db = copy("unknowngo");
        Path job = jobFile(db, "throttle:\n  canary:\n    sql: SELECT * FROM app.no_such_table\n"
                + "    maxLatency: 1s\n  onUnknown: go\n");
        Purge purge = Purge.before(db);
        Cli.Result result = cli(0, "run", "-j", job.toString());
        assertThat(result.err()).doesNotContain("holding");
        purge.assertComplete(db);
        JsonNode status = JSON.readTree(cli(0, "status", "-j", job.toString(), "--json").out());
        assertThat(status.get("hold").get("holds").asLong()).isZero();
    }

    /** Waits until {@code status --json} shows the run holding; returns its {@code hold} object. */
    private static JsonNode awaitHolding(Path job, Future<Cli.Result> run) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            if (run.isDone()) {
                throw new AssertionError("the run ended without holding: " + run.get());
            }
            Cli.Result status = Cli.run("status", "-j", job.toString(), "--json");
            if (status.exitCode() == 0) {
                JsonNode hold = JSON.readTree(status.out()).get("hold");
                if (hold.get("holding").asBoolean()) {
                    assertThat(hold.get("since").isNull()).isFalse();
                    return hold;
                }
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("the run did not hold within 90 s; status: " + status);
            }
            Thread.sleep(100);
        }
    }

    /** The background run's result; it must end and exit 0. */
    private static Cli.Result awaitRun(Future<Cli.Result> run) throws Exception {
        Cli.Result r = run.get(180, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as("declutter run%n%s", r).isZero();
        return r;
    }

    private static String copy(String name) throws Exception {
        String db = "throttle_" + name;
        try (Connection c = pair.connectPrimary("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db + " TEMPLATE " + TEMPLATE);
        }
        return db;
    }

    private static Path jobFile(String db, String throttle) throws Exception {
        Path file = dir.resolve(db + ".yaml");
        Files.writeString(file, Resources.text(StandbyThrottleTest.class, "/sql/demo/postgres/tenant_purge.yaml")
                + "\nrehearse: false\n" + throttle + "database:\n  url: " + pair.primaryUrl(db)
                + "\n  user: postgres\n");
        return file;
    }

    private static Cli.Result cli(int expected, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as("declutter %s%n%s", String.join(" ", args), r).isEqualTo(expected);
        return r;
    }

    /** The demo's rows and closure before a run, and the checks after it. */
    private record Purge(Map<String, Map<String, String>> before, ClosureOracle.Closure closure) {

        static Purge before(String db) throws Exception {
            try (Connection c = pair.connectPrimary(db)) {
                ClosureOracle.Closure closure = ClosureOracle.compute(c, "app.tenants",
                        "status = 'closed' AND closed_at < now() - interval '90 days'");
                assertThat(closure.count("app.tenants")).isPositive();
                return new Purge(TableRows.of(c, DemoPurge.appTables(c)), closure);
            }
        }

        long deletedSoFar(String db) throws Exception {
            try (Connection c = pair.connectPrimary(db); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COALESCE(sum(rows_deleted), 0) FROM declutter.control")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        /** Exactly the closure is gone, the run is done, and verify agrees. */
        void assertComplete(String db) throws Exception {
            try (Connection c = pair.connectPrimary(db)) {
                for (String table : before.keySet()) {
                    Map<String, String> now = TableRows.of(c, table);
                    Set<String> left = new HashSet<>(closure.keys(table));
                    left.retainAll(now.keySet());
                    assertThat(left).as("%s: closure rows still present", table).isEmpty();
                    assertThat(TableRows.difference(now, TableRows.except(before.get(table), closure.keys(table))))
                            .as("%s: rows outside the closure", table).isEmpty();
                }
            }
        }

        /** Complete, and the log and status show at least one hold for {@code reason}, ended. */
        void assertCompleteAndHeld(String db, Path job, String reason) throws Exception {
            assertComplete(db);
            cli(0, "verify", "-j", job.toString());
            JsonNode status = JSON.readTree(cli(0, "status", "-j", job.toString(), "--json").out());
            assertThat(status.get("status").asText()).isEqualTo("done");
            assertThat(status.get("hold").get("holding").asBoolean()).isFalse();
            assertThat(status.get("hold").get("holds").asLong()).isPositive();
            List<String> holds = new ArrayList<>();
            try (Connection c = pair.connectPrimary(db); PreparedStatement ps = c.prepareStatement("SELECT action"
                    + " || ': ' || message FROM declutter.log WHERE action IN ('hold', 'held') ORDER BY log_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holds.add(rs.getString(1));
                }
            }
            assertThat(holds).isNotEmpty().allMatch(h -> h.startsWith("held: ")).anyMatch(h -> h.contains(reason));
        }
    }
}
