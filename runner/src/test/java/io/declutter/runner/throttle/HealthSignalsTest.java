package io.declutter.runner.throttle;

import io.declutter.dialect.Dialects;
import io.declutter.dialect.HealthReading;
import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.HealthSignals;
import io.declutter.model.Throttle;
import io.declutter.localdb.StandbyPair;
import io.declutter.runner.testing.TestStandby;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each PostgreSQL health signal (docs/throttle.md#signals) read through the dialect API against a primary and
 * streaming standby of the test's own, so no other session of a shared server can change what it reads: go, hold
 * and unknown where the test can bring each about deterministically (by waiting for a state, never on time).
 */
class HealthSignalsTest {

    private static final String DB = "signals";
    private static StandbyPair pair;
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool();

    @BeforeAll
    static void setUp() throws Exception {
        pair = TestStandby.start();
        try (Connection c = pair.connectPrimary("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DB);
        }
        try (Connection c = pair.connectPrimary(DB); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA app; CREATE TABLE app.events (id bigint PRIMARY KEY, body text)");
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        BACKGROUND.shutdownNow();
        if (pair != null) {
            pair.close();
        }
    }

    private static Throttle limits(Optional<Duration> lag, OptionalLong lagBytes, OptionalLong slot, OptionalLong walRate,
                                   Optional<Duration> xact, boolean autovacuum, OptionalInt active,
                                   Optional<Throttle.Canary> canary) {
        return new Throttle(lag, lagBytes, slot, walRate, xact, autovacuum, active, canary, Throttle.OnUnknown.GO,
                Optional.empty(), 1, 10);
    }

    private static Throttle only(HealthSignal signal, long limit) {
        return switch (signal) {
            case REPLICA_LAG -> limits(Optional.of(Duration.ofMillis(limit)), OptionalLong.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), Optional.empty(), false, OptionalInt.empty(), Optional.empty());
            case REPLICA_LAG_BYTES -> limits(Optional.empty(), OptionalLong.of(limit), OptionalLong.empty(),
                    OptionalLong.empty(), Optional.empty(), false, OptionalInt.empty(), Optional.empty());
            case SLOT_RETAINED_WAL -> limits(Optional.empty(), OptionalLong.empty(), OptionalLong.of(limit),
                    OptionalLong.empty(), Optional.empty(), false, OptionalInt.empty(), Optional.empty());
            case WAL_RATE -> limits(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(limit),
                    Optional.empty(), false, OptionalInt.empty(), Optional.empty());
            case TRANSACTION_AGE -> limits(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), Optional.of(Duration.ofMillis(limit)), false, OptionalInt.empty(),
                    Optional.empty());
            case AUTOVACUUM -> limits(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                    Optional.empty(), true, OptionalInt.empty(), Optional.empty());
            case ACTIVE_SESSIONS -> limits(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), Optional.empty(), false, OptionalInt.of((int) limit), Optional.empty());
            default -> throw new IllegalArgumentException(signal.name());
        };
    }

    private static Throttle canary(String sql, Duration maxLatency) {
        return limits(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), false, OptionalInt.empty(), Optional.of(new Throttle.Canary(sql, maxLatency)));
    }

    private static HealthSignals signals(Connection c) {
        return Dialects.forJdbcUrl(pair.primaryUrl(DB)).healthSignals(c, List.of("app.events"));
    }

    /** The reading of {@code signal} among the readings (the blocked-sessions signal is read alongside any other). */
    private static HealthReading reading(List<HealthReading> readings, HealthSignal signal) {
        return readings.stream().filter(r -> r.signal() == signal).findFirst()
                .orElseThrow(() -> new AssertionError("no reading of " + signal + " in " + readings));
    }

    private static HealthReading read(Connection c, HealthSignal signal, long limit) {
        return reading(signals(c).read(only(signal, limit)), signal);
    }

    private static void writeWal(int rows) throws Exception {
        try (Connection c = pair.connectPrimary(DB); Statement st = c.createStatement()) {
            st.execute("INSERT INTO app.events SELECT g, repeat('x', 200) FROM generate_series("
                    + "(SELECT COALESCE(max(id), 0) + 1 FROM app.events), (SELECT COALESCE(max(id), 0) + " + rows
                    + " FROM app.events)) AS g");
        }
    }

    @Test
    void noLimitsReadNothing() throws Exception {
        try (Connection c = pair.connectPrimary(DB)) {
            assertThat(signals(c).read(Throttle.NONE)).isEmpty();
        }
    }

    @Test
    void replicaLagInTimeAndBytes() throws Exception {
        pair.awaitCaughtUp();
        try (Connection c = pair.connectPrimary(DB)) {
            assertThat(read(c, HealthSignal.REPLICA_LAG_BYTES, 64L << 20).verdict()).isEqualTo(HealthReading.Verdict.GO);
            pair.pauseReplay();
            try {
                writeWal(2000);
                HealthReading bytes = read(c, HealthSignal.REPLICA_LAG_BYTES, 1024);
                assertThat(bytes.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
                assertThat(bytes.reason()).startsWith("standby replica1 has ").contains("of WAL not replayed > 1.0 kB");
                pair.awaitTrue(pair.primaryUrl("postgres"), "SELECT COALESCE(replay_lag > interval '600 ms', false)"
                        + " FROM pg_stat_replication", Duration.ofSeconds(60), "replay lag over 600 ms");
                HealthReading time = read(c, HealthSignal.REPLICA_LAG, 500);
                assertThat(time.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
                assertThat(time.reason()).startsWith("standby replica1 replay lag ").endsWith("> 500ms");
            } finally {
                pair.resumeReplay();
            }
            pair.awaitCaughtUp();
            assertThat(read(c, HealthSignal.REPLICA_LAG_BYTES, 64L << 20).verdict()).isEqualTo(HealthReading.Verdict.GO);
        }
    }

    @Test
    void replicaLagIsUnknownWithoutAStandbyOrWithoutPrivilege() throws Exception {
        try (Connection standby = pair.connectStandby(DB)) {
            HealthReading r = read(standby, HealthSignal.REPLICA_LAG, 1000);
            assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.UNKNOWN);
            assertThat(r.reason()).isEqualTo("replica lag: nothing to read (no standby connected)");
        }
        try (Connection c = pair.connectPrimary(DB); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nomonitor') THEN"
                    + " CREATE ROLE nomonitor LOGIN; END IF; END $$");
        }
        Properties p = new Properties();
        p.setProperty("user", "nomonitor");
        try (Connection c = DriverManager.getConnection(pair.primaryUrl(DB), p)) {
            HealthReading r = read(c, HealthSignal.REPLICA_LAG, 1000);
            assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.UNKNOWN);
            assertThat(r.reason()).contains("hidden from this user").contains("pg_monitor");
        }
    }

    @Test
    void walRetainedBySlots() throws Exception {
        try (Connection c = pair.connectPrimary(DB); Statement st = c.createStatement()) {
            assertThat(read(c, HealthSignal.SLOT_RETAINED_WAL, 1024).verdict()).isEqualTo(HealthReading.Verdict.GO);
            st.execute("SELECT pg_create_physical_replication_slot('held_back', true)");
            try {
                writeWal(2000);
                HealthReading r = read(c, HealthSignal.SLOT_RETAINED_WAL, 1024);
                assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
                assertThat(r.reason()).startsWith("slot held_back retains ").endsWith("of WAL > 1.0 kB");
            } finally {
                st.execute("SELECT pg_drop_replication_slot('held_back')");
            }
        }
    }

    @Test
    void walRateFromTwoSamples() throws Exception {
        try (Connection c = pair.connectPrimary(DB)) {
            HealthSignals signals = signals(c);
            Throttle limit = only(HealthSignal.WAL_RATE, 1);
            assertThat(reading(signals.read(limit), HealthSignal.WAL_RATE).reason()).isEqualTo("WAL rate: first sample");
            writeWal(2000);
            HealthReading r = reading(signals.read(limit), HealthSignal.WAL_RATE);
            assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(r.reason()).startsWith("WAL rate ").endsWith("/s > 1 B/s");
            assertThat(reading(signals.read(only(HealthSignal.WAL_RATE, 1L << 40)), HealthSignal.WAL_RATE).verdict())
                    .isEqualTo(HealthReading.Verdict.GO);
        }
    }

    @Test
    void oldestTransactionIdleInTransactionIncluded() throws Exception {
        try (Connection c = pair.connectPrimary(DB); Connection idle = pair.connectPrimary(DB)) {
            assertThat(read(c, HealthSignal.TRANSACTION_AGE, 60_000).verdict()).isEqualTo(HealthReading.Verdict.GO);
            idle.setAutoCommit(false);
            try (Statement st = idle.createStatement()) {
                st.execute("SELECT 1");
            }
            pair.awaitTrue(pair.primaryUrl(DB), "SELECT count(*) > 0 FROM pg_stat_activity WHERE state ="
                    + " 'idle in transaction' AND xact_start < clock_timestamp() - interval '300 ms'",
                    Duration.ofSeconds(30), "a transaction idle for 300 ms");
            HealthReading r = read(c, HealthSignal.TRANSACTION_AGE, 200);
            assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(r.reason()).startsWith("transaction of session ").contains("(idle in transaction, user postgres,"
                    + " database signals) open for ").endsWith("> 200ms");
            idle.rollback();
            assertThat(read(c, HealthSignal.TRANSACTION_AGE, 60_000).verdict()).isEqualTo(HealthReading.Verdict.GO);
        }
    }

    @Test
    void aVacuumOfAnotherSessionOnAPurgedTableHolds() throws Exception {
        // The test's primary runs without autovacuum; a manual VACUUM fights the purge for the same pages just the
        // same. To keep it observable, a cursor pins the table's first page: VACUUM (FREEZE) must freeze its rows, so
        // it waits for that page's cleanup lock (wait event BufferPin) in its "scanning heap" phase until the cursor
        // closes.
        writeWal(10);
        try (Connection c = pair.connectPrimary(DB); Connection pin = pair.connectPrimary(DB);
             Connection vacuum = pair.connectPrimary(DB)) {
            HealthReading none = read(c, HealthSignal.AUTOVACUUM, 0);
            assertThat(none.verdict()).isEqualTo(HealthReading.Verdict.GO);
            assertThat(none.reason()).isEqualTo("no vacuum on a purged table");
            pin.setAutoCommit(false);
            try (Statement st = pin.createStatement()) {
                st.execute("DECLARE pin CURSOR FOR SELECT * FROM app.events");
                st.execute("FETCH 1 FROM pin");
            }
            int vacuumPid;
            try (Statement st = vacuum.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT pg_backend_pid()")) {
                rs.next();
                vacuumPid = rs.getInt(1);
            }
            Future<?> vacuuming = BACKGROUND.submit(() -> vacuum.createStatement().execute("VACUUM (FREEZE) app.events"));
            pair.awaitTrue(pair.primaryUrl(DB), "SELECT count(*) = 1 FROM pg_stat_progress_vacuum AS p JOIN"
                    + " pg_stat_activity AS a USING (pid) WHERE p.pid = " + vacuumPid + " AND a.wait_event = 'BufferPin'",
                    Duration.ofSeconds(30), "the VACUUM waits for the pinned page");
            HealthReading r = read(c, HealthSignal.AUTOVACUUM, 0);
            assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(r.reason()).isEqualTo("VACUUM of session " + vacuumPid + " on app.events (scanning heap)");
            HealthReading otherTable = reading(Dialects.forJdbcUrl(pair.primaryUrl(DB))
                    .healthSignals(c, List.of("app.other")).read(only(HealthSignal.AUTOVACUUM, 0)), HealthSignal.AUTOVACUUM);
            assertThat(otherTable.verdict()).as("a vacuum of a table the purge does not touch").isEqualTo(
                    HealthReading.Verdict.GO);
            pin.rollback();
            vacuuming.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(read(c, HealthSignal.AUTOVACUUM, 0).verdict()).isEqualTo(HealthReading.Verdict.GO);
        }
    }

    @Test
    void sessionsBlockedByThePurgeAndActiveSessions() throws Exception {
        try (Connection purge = pair.connectPrimary(DB); Connection other = pair.connectPrimary(DB)) {
            HealthReading none = reading(signals(purge).read(only(HealthSignal.ACTIVE_SESSIONS, 1)),
                    HealthSignal.BLOCKED_SESSIONS);
            assertThat(none.verdict()).isEqualTo(HealthReading.Verdict.GO);
            assertThat(none.reason()).isEqualTo("no session waits for the purge");
            purge.setAutoCommit(false);
            try (Statement st = purge.createStatement()) {
                st.execute("LOCK TABLE app.events IN ACCESS EXCLUSIVE MODE");
            }
            Future<?> waiting = BACKGROUND.submit(() -> {
                try (Statement st = other.createStatement()) {
                    st.execute("SELECT count(*) FROM app.events");
                }
                return null;
            });
            pair.awaitTrue(pair.primaryUrl(DB), "SELECT count(*) = 1 FROM pg_stat_activity WHERE wait_event_type ="
                    + " 'Lock'", Duration.ofSeconds(30), "a session waits for the lock");
            List<HealthReading> readings = signals(purge).read(only(HealthSignal.ACTIVE_SESSIONS, 1));
            HealthReading blocked = reading(readings, HealthSignal.BLOCKED_SESSIONS);
            assertThat(blocked.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(blocked.reason()).isEqualTo("1 session waiting for a lock the purge holds");
            // the session waiting for the lock is the one active session besides the purge's: within a limit of 1
            assertThat(reading(readings, HealthSignal.ACTIVE_SESSIONS).verdict()).isEqualTo(HealthReading.Verdict.GO);
            purge.rollback();
            waiting.get();
        }
        try (Connection c = pair.connectPrimary(DB); Connection s1 = pair.connectPrimary(DB);
             Connection s2 = pair.connectPrimary(DB)) {
            Future<?> a = BACKGROUND.submit(() -> s1.createStatement().execute("SELECT pg_sleep(60)"));
            Future<?> b = BACKGROUND.submit(() -> s2.createStatement().execute("SELECT pg_sleep(60)"));
            pair.awaitTrue(pair.primaryUrl(DB), "SELECT count(*) = 2 FROM pg_stat_activity WHERE state = 'active'"
                    + " AND query LIKE 'SELECT pg_sleep(60)%'", Duration.ofSeconds(30), "two sessions are active");
            HealthReading r = read(c, HealthSignal.ACTIVE_SESSIONS, 1);
            assertThat(r.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(r.reason()).isEqualTo("2 sessions active > 1 session");
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'"
                        + " AND pid <> pg_backend_pid()");
            }
            for (Future<?> f : List.of(a, b)) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException expected) {
                    // cancelled
                }
            }
        }
    }

    @Test
    void canaryLatencyFailureAndTimeout() throws Exception {
        try (Connection c = pair.connectPrimary(DB)) {
            HealthReading fast = reading(signals(c).read(canary("SELECT 1", Duration.ofSeconds(30))), HealthSignal.CANARY);
            assertThat(fast.verdict()).isEqualTo(HealthReading.Verdict.GO);
            assertThat(fast.reason()).startsWith("canary query took ").endsWith("<= 30s");
            HealthReading slow = reading(signals(c).read(canary("SELECT pg_sleep(0.3)", Duration.ofMillis(100))),
                    HealthSignal.CANARY);
            assertThat(slow.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(slow.reason()).startsWith("canary query took ").endsWith("> 100ms");
            HealthReading cancelled = reading(signals(c).read(canary("SELECT pg_sleep(30)", Duration.ofMillis(100))),
                    HealthSignal.CANARY);
            assertThat(cancelled.verdict()).isEqualTo(HealthReading.Verdict.HOLD);
            assertThat(cancelled.reason()).contains("cancelled").endsWith("> 100ms");
            HealthReading failing = reading(signals(c).read(canary("SELECT * FROM app.nothing", Duration.ofSeconds(1))),
                    HealthSignal.CANARY);
            assertThat(failing.verdict()).isEqualTo(HealthReading.Verdict.UNKNOWN);
            assertThat(failing.reason()).startsWith("canary: the canary query failed: ").contains("app.nothing");
            HealthReading writing = reading(signals(c).read(canary("INSERT INTO app.events VALUES (-1, 'x') RETURNING id",
                    Duration.ofSeconds(1))), HealthSignal.CANARY);
            assertThat(writing.verdict()).as("a canary that writes fails: it runs read-only")
                    .isEqualTo(HealthReading.Verdict.UNKNOWN);
            assertThat(c.getAutoCommit()).as("the purge's connection is left in autocommit").isTrue();
        }
    }
}
