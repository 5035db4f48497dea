package io.declutter.runner.invariants;

import io.declutter.localdb.PostgresLocator;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.ChildCli;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.declutter.runner.testing.RunnerSessions.awaitNone;
import static io.declutter.runner.testing.RunnerSessions.awaitWaitingForLock;
import static io.declutter.runner.testing.RunnerSessions.observer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 4 (docs/design.md#invariants): killing the runner, terminating its backend or restarting the database at
 * any point, then running again, reaches the same final state as an uninterrupted run: nothing lost, nothing backed up
 * twice.
 *
 * <p>The demo sample is loaded and the job deployed once ({@code pristine}); each scenario works on a byte-for-byte
 * copy of it ({@code CREATE DATABASE ... TEMPLATE}), and so does the uninterrupted reference run. The runner is the
 * real CLI in a child JVM ({@link ChildCli}), so it can be killed with SIGKILL. After every interruption the state is
 * checked (every row gone is in the committed backup, each table's rows_deleted equals the rows gone from it), and
 * the end state is compared with the reference: per-table checksums, backup contents, backup counts equal to the
 * independent oracle's (no row twice), {@code verify}, and a rollback back to the original checksums.
 *
 * <p>Kill points are random; the seed is printed and can be replayed with {@code -Ddeclutter.crash.seed=N}. The
 * server restart runs only against the local Debian cluster on 127.0.0.1:5432 as root (opt out with
 * {@code -Ddeclutter.test.noRestart} or {@code DECLUTTER_TEST_NO_RESTART}).
 */
class CrashResumeTest {

    private static final String BATCH = "200";
    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);

    private static DemoPurge pristine;
    private static DemoPurge reference;
    private static Map<String, Map<String, String>> before;
    private static ClosureOracle.Closure closure;
    private static Map<String, Checksums.Sum> originalSums;
    private static Map<String, Checksums.Sum> referenceSums;
    private static Map<String, Map<String, String>> referenceBackup;
    private static Random random;

    @BeforeAll
    static void setUp() throws Exception {
        long seed = Long.getLong("declutter.crash.seed", System.nanoTime());
        System.out.println("[CrashResumeTest] random seed " + seed + " (replay: -Ddeclutter.crash.seed=" + seed + ")");
        random = new Random(seed);

        pristine = DemoPurge.create("crash");
        pristine.generateAndDeploy();
        try (Connection c = pristine.connect()) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            closure = pristine.oracle(c);
            originalSums = PurgeAssertions.checksums(c);
        }
        assertThat(closure.count("app.tenants")).isEqualTo(8);

        reference = DemoPurge.copyOf(pristine, "crash_ref");
        reference.cli(0, "run", "--batch-size", BATCH, "--no-vacuum");
        try (Connection c = reference.connect()) {
            long run = reference.procs(c).latestRun().orElseThrow();
            assertThat(DemoPurge.runStatuses(c)).containsExactly(run + ":done");
            PurgeAssertions.assertExactlyTheClosureIsGone(c, before, closure);
            PurgeAssertions.assertBackupIsExactlyTheClosure(c, run, before, closure);
            referenceSums = PurgeAssertions.checksums(c);
            referenceBackup = DemoPurge.backups(c, run);
        }
        assertThat(referenceSums).isNotEqualTo(originalSums);
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (DemoPurge d : new DemoPurge[] {reference, pristine}) {
            if (d != null) {
                d.close();
            }
        }
    }

    /** SIGKILL of the runner at random points of the cache and the delete phase, then runs until done. */
    @Test
    void killedRunnerResumesToTheSameFinalState() throws Exception {
        try (DemoPurge db = DemoPurge.copyOf(pristine, "crash_kill")) {
            List<String> kills = new ArrayList<>();

            // 1. Inside a cache step: hold the run on the backup table of a random closure table, kill it there.
            List<Map.Entry<String, String>> backupTables;
            try (Connection c = observer(db)) {
                backupTables = new ArrayList<>(DemoPurge.backupTables(c).entrySet());
            }
            Map.Entry<String, String> held = backupTables.get(random.nextInt(backupTables.size()));
            try (Connection locker = observer(db)) {
                locker.setAutoCommit(false);
                try (Statement st = locker.createStatement()) {
                    st.execute("LOCK TABLE " + held.getValue() + " IN EXCLUSIVE MODE");
                }
                try (ChildCli run = startRun(db)) {
                    awaitWaitingForLock(db, run);
                    run.kill();
                }
                locker.commit();   // the orphaned backend may now finish its unit: that must be harmless too
            }
            kills.add(afterKill(db, "inside the cache step of " + held.getKey()));

            // 2. While caching, after a random number of cache steps.
            boolean finished = killWhen(db, kills, "cache", 1 + random.nextInt(6), 12);

            // 3. While deleting, after random numbers of delete batches, at a random moment inside a batch.
            for (int i = 0; i < 3 && !finished; i++) {
                finished = killWhen(db, kills, "delete", 1 + random.nextInt(30), 40);
            }

            // 4. At a random moment 0.8 to 2.8 s after the JVM starts (from connecting to deleting).
            if (!finished) {
                try (ChildCli run = startRun(db)) {
                    Thread.sleep(800 + random.nextInt(2000));
                    if (run.isAlive()) {
                        run.kill();
                        kills.add(afterKill(db, "random delay"));
                    } else {
                        assertThat(run.result().exitCode()).as(run.result().toString()).isZero();
                        kills.add("none: the run ended before the random delay");
                        finished = true;
                    }
                }
            }
            System.out.println("[CrashResumeTest] kills:\n  " + String.join("\n  ", kills));
            assertThat(kills).as("kills that happened").filteredOn(k -> !k.startsWith("none"))
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(kills).as("a kill during deleting").anyMatch(k -> k.matches(".*deleted [1-9].*"));

            if (!finished) {
                runUntilDone(db);
            }
            assertSameFinalStateAsUninterrupted(db);
        }
    }

    /** pg_terminate_backend of the runner's session while it is held inside a delete batch by a row lock. */
    @Test
    void terminatedBackendEndsTheRunnerClearlyAndResumes() throws Exception {
        try (DemoPurge db = DemoPurge.copyOf(pristine, "crash_term")) {
            String document = randomClosureKey("app.documents");
            Cli.Result killed;
            try (Connection locker = observer(db); Connection admin = observer(db)) {
                lockDocument(locker, document);
                try (ChildCli run = startRun(db)) {
                    int pid = awaitWaitingForLock(db, run);
                    assertThat(inDeleteOf(admin, pid)).as("the runner is held in a delete batch").isTrue();
                    try (Statement st = admin.createStatement();
                         ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
                        rs.next();
                        assertThat(rs.getBoolean(1)).as("backend %d terminated", pid).isTrue();
                    }
                    killed = run.await(Duration.ofSeconds(30));
                }
                locker.rollback();
            }
            System.out.println("[CrashResumeTest] runner after pg_terminate_backend: " + killed);
            assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(1);
            assertThat(killed.err()).as(killed.toString())
                    .contains("declutter: lost the connection to the database during run 1 of job tenant_purge")
                    .contains("terminating connection due to administrator command")
                    .contains("Run the same command again to resume");
            afterKill(db, "backend terminated");
            try (Connection c = observer(db)) {
                assertThat(TableRows.of(c, "app.documents")).as("the locked document is still there")
                        .containsKey(document);
            }
            runUntilDone(db);
            assertSameFinalStateAsUninterrupted(db);
        }
    }

    /** {@code pg_ctlcluster ... restart -m immediate} (a crash and recovery) while the runner is held in a batch. */
    @Test
    void databaseRestartMidBatchThenRunAgain() throws Exception {
        String[] cluster = localCluster();
        try (DemoPurge db = DemoPurge.copyOf(pristine, "crash_restart")) {
            String document = randomClosureKey("app.documents");
            Cli.Result killed;
            Connection locker = observer(db);
            try {
                lockDocument(locker, document);
                try (ChildCli run = startRun(db)) {
                    int pid = awaitWaitingForLock(db, run);
                    try (Connection admin = observer(db)) {
                        assertThat(inDeleteOf(admin, pid)).as("the runner is held in a delete batch").isTrue();
                    }
                    Instant t0 = Instant.now();
                    exec(Duration.ofSeconds(90), "pg_ctlcluster", "--skip-systemctl-redirect", cluster[0], cluster[1],
                            "restart", "-m", "immediate");
                    awaitServer(Duration.ofSeconds(90));
                    System.out.println("[CrashResumeTest] cluster " + cluster[0] + "/" + cluster[1] + " restarted"
                            + " (immediate) in " + Duration.between(t0, Instant.now()).toMillis() + " ms");
                    killed = run.await(Duration.ofSeconds(60));
                }
            } finally {
                try {
                    locker.close();
                } catch (SQLException ignored) {
                    // its server process is gone
                }
                ensureServerRunning(cluster);
            }
            System.out.println("[CrashResumeTest] runner after the restart: " + killed);
            assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(1);
            assertThat(killed.err()).as(killed.toString())
                    .contains("declutter: lost the connection to the database during run 1 of job tenant_purge")
                    .contains("Run the same command again to resume");
            afterKill(db, "server restarted");
            runUntilDone(db);
            assertSameFinalStateAsUninterrupted(db);
        }
    }

    // ---- interruptions ----

    private static ChildCli startRun(DemoPurge db) throws IOException {
        return ChildCli.start(db.dir(), "run", "-j", db.jobFile().toString(), "--batch-size", BATCH, "--no-vacuum");
    }

    /**
     * Starts a run and kills it once the log holds {@code steps} more rows of {@code action}, after a random pause
     * of up to {@code jitterMs} (so mostly inside the next unit). Returns whether the run ended on its own first.
     */
    private static boolean killWhen(DemoPurge db, List<String> kills, String action, int steps, int jitterMs)
            throws Exception {
        long start;
        long deletesAtStart;
        try (Connection c = observer(db)) {
            start = logCount(c, action);
            deletesAtStart = logCount(c, "delete");
        }
        int jitter = random.nextInt(jitterMs);
        try (ChildCli run = startRun(db); Connection c = observer(db)) {
            Instant until = Instant.now().plus(RUN_LIMIT);
            // A resumed run may have fewer cache steps left than asked for: then it is killed early in the deletes.
            while (run.isAlive() && logCount(c, action) < start + steps
                    && !("cache".equals(action) && logCount(c, "delete") > deletesAtStart)) {
                assertThat(Instant.now()).as("%s still running, waiting for %d %s steps", run, steps, action)
                        .isBefore(until);
                Thread.sleep(1);
            }
            Thread.sleep(jitter);
            if (!run.isAlive()) {
                Cli.Result r = run.result();
                assertThat(r.exitCode()).as("run that ended before it was killed: %s", r).isZero();
                kills.add("none: the run ended before " + steps + " more " + action + " steps");
                return true;
            }
            run.kill();
        }
        kills.add(afterKill(db, "after " + steps + " more " + action + " steps + " + jitter + " ms"));
        return false;
    }

    /**
     * After the runner died: waits until no backend of it is left (an orphaned backend finishes its unit, then
     * notices), checks what is committed, and describes where the run was.
     */
    private static String afterKill(DemoPurge db, String how) throws Exception {
        awaitNone(db);
        try (Connection c = observer(db)) {
            Optional<Long> run = db.procs(c).latestRun();
            if (run.isEmpty()) {
                PurgeAssertions.assertSameRows(c, before);
                return how + ": no run yet";
            }
            long id = run.get();
            assertThat(DemoPurge.runStatuses(c)).as("runs after the kill (%s)", how).containsExactly(id + ":running");
            Map<String, Integer> gone = PurgeAssertions.assertEveryMissingRowIsBackedUp(c, id, before, closure);
            Map<String, long[]> progress = DemoPurge.progress(c, id);
            long deleted = 0;
            for (Map.Entry<String, Integer> e : gone.entrySet()) {
                long counted = progress.containsKey(e.getKey()) ? progress.get(e.getKey())[1] : 0;
                assertThat(counted).as("%s: rows_deleted in the control table vs rows gone (%s)", e.getKey(), how)
                        .isEqualTo(e.getValue().longValue());
                deleted += e.getValue();
            }
            long pending = scalar(c, "SELECT count(*) FROM " + DemoPurge.SCHEMA + ".control WHERE run_id = " + id
                    + " AND status = 'pending'");
            return how + ": cache pending on " + pending + " edges, deleted " + deleted + " of " + closure.total();
        }
    }

    private static void runUntilDone(DemoPurge db) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Cli.Result r;
            try (ChildCli run = startRun(db)) {
                r = run.await(RUN_LIMIT);
            }
            if (r.exitCode() == 4 && r.err().contains("another session is working on job") && attempt < 10) {
                Thread.sleep(500);   // an orphaned backend of a killed runner still holds the job; it ends after its unit
                continue;
            }
            assertThat(r.exitCode()).as("the run after the interruptions: %s", r).isZero();
            assertThat(r.out()).contains("is done: ");
            return;
        }
    }

    // ---- the final state ----

    private static void assertSameFinalStateAsUninterrupted(DemoPurge db) throws Exception {
        long run;
        try (Connection c = observer(db)) {
            run = db.procs(c).latestRun().orElseThrow();
            assertThat(DemoPurge.runStatuses(c)).as("one run, done").containsExactly(run + ":done");
            // The reference is exactly the closure gone (checked in setUp): equal checksums mean the same here.
            assertThat(PurgeAssertions.checksums(c)).as("per-table checksums vs the uninterrupted run")
                    .isEqualTo(referenceSums);

            // Nothing backed up twice: each key at most once (TableRows refuses duplicates), the same rows with the
            // same content as the uninterrupted run's backup (which is exactly the oracle's closure, see setUp).
            Map<String, Map<String, String>> backup = DemoPurge.backups(c, run);
            assertThat(backup.keySet()).isEqualTo(referenceBackup.keySet());
            for (String table : backup.keySet()) {
                assertThat(TableRows.difference(backup.get(table), referenceBackup.get(table)))
                        .as("%s: backup of the interrupted run vs the uninterrupted run's", table).isEmpty();
            }
            for (Map.Entry<String, String> e : DemoPurge.backupTables(c).entrySet()) {
                assertThat(scalar(c, "SELECT count(*) FROM " + e.getValue() + " WHERE declutter_run = " + run))
                        .as("%s: rows in its backup table", e.getKey()).isEqualTo(closure.count(e.getKey()));
            }
            Map<String, long[]> progress = DemoPurge.progress(c, run);
            for (String table : closure.tables()) {
                assertThat(progress.get(table)).as("%s: rows_cached, rows_deleted", table)
                        .containsExactly(closure.count(table), closure.count(table));
            }
            assertThat(scalar(c, "SELECT count(*) FROM " + DemoPurge.SCHEMA + ".log WHERE run_id = " + run
                    + " AND action = 'error'")).as("errors logged").isZero();
        }
        assertThat(db.cli(0, "verify").out()).contains("OK: no purged row remains");

        db.cli(0, "rollback", "--run", Long.toString(run));
        try (Connection c = observer(db)) {
            PurgeAssertions.assertRolledBack(db, c, run, originalSums);
        }
    }

    // ---- sessions ----


    /** Whether backend {@code pid} is in a delete batch of app.documents (its table has started deleting). */
    private static boolean inDeleteOf(Connection c, int pid) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT a.query, (SELECT count(*) FROM "
                + DemoPurge.SCHEMA + ".control k WHERE k.status = 'pending') FROM pg_stat_activity a WHERE a.pid = " + pid)) {
            return rs.next() && rs.getString(1).contains("_step(") && rs.getLong(2) == 0;
        }
    }

    private static String randomClosureKey(String table) {
        List<String> keys = closure.keys(table).stream().sorted().toList();
        return keys.get(random.nextInt(keys.size()));
    }

    /** Locks one app.documents row (by key text) in an open transaction of {@code locker}. */
    private static void lockDocument(Connection locker, String key) throws SQLException {
        locker.setAutoCommit(false);
        try (PreparedStatement ps = locker.prepareStatement(
                "SELECT 1 FROM app.documents AS d WHERE ROW(d.id)::text = ? FOR UPDATE")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("document %s locked", key).isTrue();
            }
        }
    }

    private static long logCount(Connection c, String action) throws SQLException {
        return scalar(c, "SELECT count(*) FROM " + DemoPurge.SCHEMA + ".log WHERE action = '" + action + "'");
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- the local cluster ----

    /**
     * The Debian cluster serving 127.0.0.1:5432 as {version, name}, when this test may restart it; otherwise the
     * test is skipped, saying why.
     */
    private static String[] localCluster() throws Exception {
        Assumptions.assumeTrue(System.getProperty("declutter.test.noRestart") == null
                        && System.getenv("DECLUTTER_TEST_NO_RESTART") == null,
                "server restart disabled (-Ddeclutter.test.noRestart or DECLUTTER_TEST_NO_RESTART)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "server restart needs root to run pg_ctlcluster (running as " + System.getProperty("user.name") + ")");
        Assumptions.assumeTrue(onPath("pg_ctlcluster") && onPath("pg_lsclusters") && onPath("pg_isready"),
                "server restart needs pg_ctlcluster, pg_lsclusters and pg_isready on the PATH");
        PostgresLocator.Server server = TestDatabase.server();
        String url = server.adminUrl();
        Assumptions.assumeTrue(url.startsWith("jdbc:postgresql://127.0.0.1:5432/")
                        || url.startsWith("jdbc:postgresql://localhost:5432/"),
                "server restart only for the local server on 127.0.0.1:5432 (tests use " + url + ")");
        String clusters = exec(Duration.ofSeconds(30), "pg_lsclusters", "--no-header");
        for (String line : clusters.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[2].equals("5432") && f[3].startsWith("online")) {
                return new String[] {f[0], f[1]};
            }
        }
        Assumptions.abort("no online Debian cluster on port 5432 in pg_lsclusters:\n" + clusters);
        return null;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static void awaitServer(Duration limit) throws Exception {
        Instant until = Instant.now().plus(limit);
        while (true) {
            Process p = new ProcessBuilder("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-t", "1")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("PostgreSQL on 127.0.0.1:5432 not ready after " + limit);
            }
            Thread.sleep(100);
        }
    }

    /** Whatever happened, leaves the cluster running for the tests after this one. */
    private static void ensureServerRunning(String[] cluster) throws Exception {
        try {
            awaitServer(Duration.ofSeconds(5));
        } catch (AssertionError notReady) {
            System.out.println("[CrashResumeTest] server not ready; starting cluster " + cluster[0] + "/" + cluster[1]);
            try {
                exec(Duration.ofSeconds(90), "pg_ctlcluster", "--skip-systemctl-redirect", cluster[0], cluster[1], "start");
            } catch (AssertionError e) {
                System.out.println("[CrashResumeTest] " + e.getMessage());   // maybe it is starting already
            }
            awaitServer(Duration.ofSeconds(90));
        }
    }

    /** Runs a program; its output goes to a file, not a pipe (a server it starts may keep the pipe open). */
    private static String exec(Duration limit, String... command) throws Exception {
        Path log = Files.createTempFile("declutter-exec", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within " + limit);
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
