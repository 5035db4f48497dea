package io.declutter.runner.invariants;

import io.declutter.dialect.Resources;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 6 (docs/design.md#invariants): no statement holds row locks longer than one batch; lock and statement
 * timeouts are set; application tables are never locked exclusively.
 *
 * <ul>
 *   <li>A row of a purged tenant's document is locked (FOR UPDATE) by another session during a run whose job says
 *       {@code timeouts.lock: 200ms}: the unit that needs it gives up after about 200 ms and is logged as 'retry'
 *       (not 'error'), the run keeps going (the runner never fails, never keeps a transaction open between units),
 *       and once the row is released the run completes with exactly the closure gone.</li>
 *   <li>Meanwhile pg_locks is sampled from another session, as often as it answers: no lock stronger than
 *       ShareUpdateExclusive (what VACUUM takes) is ever seen on a relation of schema {@code app}, while the
 *       runner's RowExclusiveLock is seen (the sampling does see the runner).</li>
 *   <li>With {@code timeouts.statement: 1ms} every unit outlasts its statement timeout: the run must log 'retry'
 *       units with "statement timeout", never fail; after raising the timeout (redeploy) it completes.</li>
 * </ul>
 */
class LockTimeoutTest {

    private static final String TEST_APP = "declutter-test";
    /** Locks that block writers of a table; DML and VACUUM take weaker ones. */
    private static final Set<String> STRONG = Set.of("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock",
            "AccessExclusiveLock");

    private static DemoPurge rowLock;
    private static DemoPurge statement;
    private static ExecutorService threads;

    @BeforeAll
    static void setUp() throws Exception {
        rowLock = DemoPurge.create("locktimeout");
        statement = DemoPurge.copyOf(rowLock, "stmttimeout");
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (threads != null) {
            threads.shutdownNow();
        }
        for (DemoPurge d : new DemoPurge[] {rowLock, statement}) {
            if (d != null) {
                d.close();
            }
        }
    }

    @Test
    void aLockedClosureRowMakesUnitsRetryAndNoAppTableIsLockedExclusively() throws Exception {
        Path job = jobFile(rowLock, "lock200ms.yaml", "200ms", "10min");
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Map<String, String>> before;
        ClosureOracle.Closure closure;
        String document;
        try (Connection c = observer(rowLock)) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            closure = rowLock.oracle(c);
            List<String> docs = closure.keys("app.documents").stream().sorted().toList();
            document = docs.get(docs.size() / 2);
            assertThat(procedureSource(c)).contains("set_config('lock_timeout', '200ms', true)");
        }

        Cli.Result result;
        try (LockSampler sampler = new LockSampler(rowLock); Connection locker = observer(rowLock);
             Connection watcher = observer(rowLock)) {
            threads.submit(sampler);
            locker.setAutoCommit(false);
            try (PreparedStatement ps = locker.prepareStatement(
                    "SELECT 1 FROM app.documents AS d WHERE ROW(d.id)::text = ? FOR UPDATE")) {
                ps.setString(1, document);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
            Future<Cli.Result> run = threads.submit(() -> Cli.run("run", "-j", job.toString(), "--batch-size", "500"));

            // The unit that needs the locked row gives up after the lock timeout, again and again; the run goes on.
            Instant until = Instant.now().plus(Duration.ofSeconds(30));
            while (count(watcher, "action = 'retry'") < 2) {
                if (run.isDone()) {
                    throw new AssertionError("the run ended while a closure row was locked: " + run.get());
                }
                assertThat(Instant.now()).as("two 'retry' units within 30 s").isBefore(until);
                Thread.sleep(20);
            }
            assertThat(run.isDone()).as("the run is still going after two retries").isFalse();
            assertThat(count(watcher, "action = 'error'")).as("errors logged while the row is locked").isZero();
            assertThat(DemoPurge.runStatuses(watcher)).containsExactly("1:running");
            locker.rollback();

            result = run.get(60, TimeUnit.SECONDS);
            sampler.stop();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.out()).contains("run 1 is done").contains("VACUUM (ANALYZE) done");

            System.out.println("[LockTimeoutTest] " + sampler.samples.get() + " pg_locks samples; runner locks seen on app: "
                    + sampler.runnerModes);
            assertThat(sampler.failure).as("sampler error").isNull();
            assertThat(sampler.samples.get()).as("pg_locks samples taken").isGreaterThan(50);
            assertThat(sampler.runnerModes).as("lock modes the runner was seen holding on app tables")
                    .contains("RowExclusiveLock");
            assertThat(sampler.strong).as("locks on app tables that block writers").isEmpty();
            assertThat(sampler.idleInTransaction).as("runner sessions seen idle in a transaction for over 500 ms")
                    .isEmpty();
        }

        try (Connection c = observer(rowLock); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name, action, message, extract(epoch FROM ended_at - started_at)"
                     + " FROM " + DemoPurge.SCHEMA + ".log WHERE action IN ('retry', 'error') ORDER BY log_id")) {
            int retries = 0;
            while (rs.next()) {
                retries++;
                String what = rs.getString(1) + " " + rs.getString(2) + ": " + rs.getString(3);
                assertThat(rs.getString(2)).as(what).isEqualTo("retry");
                assertThat(rs.getString(1)).as(what).isEqualTo("app.documents");
                assertThat(rs.getString(3)).as(what).contains("lock timeout");
                assertThat(rs.getDouble(4)).as("seconds the retried unit lasted (%s)", what).isBetween(0.2, 3.0);
            }
            assertThat(retries).isGreaterThanOrEqualTo(2);
            PurgeAssertions.assertExactlyTheClosureIsGone(c, before, closure);
        }
        ok(Cli.run("verify", "-j", job.toString()));
    }

    @Test
    void aStatementOverItsTimeoutIsRetriedNotFatal() throws Exception {
        Path tiny = jobFile(statement, "stmt1ms.yaml", "5s", "1ms");
        ok(Cli.run("deploy", "-j", tiny.toString()));
        try (Connection c = observer(statement)) {
            assertThat(procedureSource(c)).contains("set_config('lock_timeout', '5000ms', true)")
                    .contains("(1 ms) cannot be armed from inside a CALL");
        }
        Path stopFile = statement.dir().resolve("stop");
        Future<Cli.Result> run = threads.submit(() -> Cli.run("run", "-j", tiny.toString(), "--no-vacuum",
                "--stop-file", stopFile.toString()));
        try (Connection watcher = observer(statement)) {
            Instant until = Instant.now().plus(Duration.ofSeconds(20));
            while (count(watcher, "action = 'retry'") < 2 && !run.isDone()) {
                assertThat(Instant.now()).as("two 'retry' units within 20 s").isBefore(until);
                Thread.sleep(20);
            }
            Files.createFile(stopFile);
            Cli.Result stopped = run.get(60, TimeUnit.SECONDS);
            assertThat(stopped.exitCode()).as("a run whose every unit exceeds its 1 ms statement timeout: %s", stopped)
                    .isEqualTo(4);
            assertThat(stopped.out()).contains("stop file");
            assertThat(count(watcher, "action = 'retry' AND message LIKE '%statement timeout%'"))
                    .as("units logged as retry after a statement timeout").isGreaterThanOrEqualTo(2);
            assertThat(count(watcher, "action = 'error'")).as("errors logged").isZero();
            assertThat(count(watcher, "action = 'delete'")).as("delete batches done").isZero();
            try (Statement st = watcher.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*),"
                    + " coalesce(table_name, '-'), split_part(message, E'\\n', 1) FROM " + DemoPurge.SCHEMA
                    + ".log WHERE action = 'retry' GROUP BY 2, 3 ORDER BY 2, 3")) {
                while (rs.next()) {
                    System.out.println("[LockTimeoutTest] retry x" + rs.getInt(1) + " " + rs.getString(2) + ": "
                            + rs.getString(3));
                }
            }
            assertThat(DemoPurge.runStatuses(watcher)).containsExactly("1:running");
        }
        Files.delete(stopFile);

        // Raise the timeout: the same run resumes and completes.
        Path raised = jobFile(statement, "stmt10min.yaml", "5s", "10min");
        ok(Cli.run("deploy", "-j", raised.toString()));
        Cli.Result done = ok(Cli.run("run", "-j", raised.toString(), "--no-vacuum"));
        assertThat(done.out()).contains("run 1 is done");
        ok(Cli.run("verify", "-j", raised.toString()));
    }

    /** The demo job with its timeouts replaced, pointed at {@code demo}'s database. */
    private static Path jobFile(DemoPurge demo, String name, String lock, String statementTimeout) throws Exception {
        String yaml = Files.readString(demo.jobFile());
        String timeouts = "timeouts:\n  lock: 5s\n  statement: 10min\n";
        assertThat(yaml).contains(timeouts);
        assertThat(Resources.text(LockTimeoutTest.class, "/sql/demo/postgres/tenant_purge.yaml")).contains(timeouts);
        Path file = demo.dir().resolve(name);
        Files.writeString(file, yaml.replace(timeouts, "timeouts:\n  lock: " + lock + "\n  statement: "
                + statementTimeout + "\n"));
        return file;
    }

    private static String procedureSource(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_get_functiondef('"
                + DemoPurge.SCHEMA + "." + DemoPurge.JOB + "_step'::regproc)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static long count(Connection c, String where) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM " + DemoPurge.SCHEMA + ".log WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection observer(DemoPurge db) throws SQLException {
        Connection c = db.connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET application_name = '" + TEST_APP + "'");
        }
        return c;
    }

    /**
     * Samples, until stopped, the relation locks held on schema {@code app} by other sessions of the database, and
     * the state of the runner's sessions (application_name 'declutter').
     */
    private static final class LockSampler implements Runnable, AutoCloseable {

        private static final String SQL = """
                SELECT l.pid, l.mode, n.nspname || '.' || c.relname, a.application_name, l.granted
                  FROM pg_locks AS l
                  JOIN pg_class AS c ON c.oid = l.relation
                  JOIN pg_namespace AS n ON n.oid = c.relnamespace
                  LEFT JOIN pg_stat_activity AS a ON a.pid = l.pid
                 WHERE l.locktype = 'relation' AND n.nspname = 'app' AND l.pid <> pg_backend_pid()
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                UNION ALL
                SELECT pid, 'state', state || ' for ' || (clock_timestamp() - state_change), application_name, true
                  FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'declutter'
                   AND state LIKE 'idle in transaction%' AND clock_timestamp() - state_change > interval '500 ms'
                """;

        private final DemoPurge db;
        private volatile boolean stopped;
        private volatile boolean ended;
        final AtomicInteger samples = new AtomicInteger();
        final Set<String> runnerModes = Collections.synchronizedSet(new TreeSet<>());
        final List<String> strong = Collections.synchronizedList(new ArrayList<>());
        final List<String> idleInTransaction = Collections.synchronizedList(new ArrayList<>());
        volatile Throwable failure;

        LockSampler(DemoPurge db) {
            this.db = db;
        }

        @Override
        public void run() {
            try (Connection c = observer(db); PreparedStatement ps = c.prepareStatement(SQL)) {
                while (!stopped) {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String what = "pid " + rs.getInt(1) + " (" + rs.getString(4) + ") " + rs.getString(2)
                                    + " on " + rs.getString(3) + (rs.getBoolean(5) ? "" : " (waiting)");
                            if ("state".equals(rs.getString(2))) {
                                idleInTransaction.add(what);
                            } else if (STRONG.contains(rs.getString(2))) {
                                strong.add(what);
                            } else if ("declutter".equals(rs.getString(4))) {
                                runnerModes.add(rs.getString(2));
                            }
                        }
                    }
                    samples.incrementAndGet();
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                ended = true;
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            Instant until = Instant.now().plus(Duration.ofSeconds(10));
            while (!ended && Instant.now().isBefore(until)) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
