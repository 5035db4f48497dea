package io.declutter.runner.invariants;

import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming: a run stopped twice, once while caching (stop file) and once while deleting ({@code declutter stop}),
 * then run again, ends exactly where an uninterrupted run of the same job on an identical copy of the database
 * ends: same per-table checksums, same backup, one run, every closure row backed up and deleted once.
 *
 * <p>The stops are made deterministic with locks taken from a separate session: the run (a {@code declutter run}
 * in a background thread) is held on a lock at a known unit of work while the stop is requested, then released.
 */
class ResumeTest {

    private static final String BATCH = "400";

    private static DemoPurge interrupted;
    private static DemoPurge reference;
    private static Map<String, Map<String, String>> before;
    private static ClosureOracle.Closure closure;
    private static ExecutorService threads;

    @BeforeAll
    static void setUp() throws Exception {
        interrupted = DemoPurge.create("resume");
        interrupted.generateAndDeploy();
        reference = DemoPurge.copyOf(interrupted, "resume_ref");
        try (Connection c = interrupted.connect()) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            closure = interrupted.oracle(c);
        }
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (threads != null) {
            threads.shutdownNow();
        }
        if (interrupted != null) {
            interrupted.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void stoppedAndResumedRunEndsLikeAnUninterruptedOne() throws Exception {
        reference.cli(0, "run", "--batch-size", BATCH);

        Path stopFile = interrupted.dir().resolve("stop-now");
        String documentsBackup;
        try (Connection c = interrupted.connect()) {
            documentsBackup = DemoPurge.backupTables(c).get("app.documents");
        }

        // 1. Stop file while caching: hold the run on the backup table of app.documents, drop the file, release.
        try (Connection locker = interrupted.connect()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE " + documentsBackup + " IN EXCLUSIVE MODE");
            }
            Future<Cli.Result> run = threads.submit(() ->
                    interrupted.cli("run", "--batch-size", BATCH, "--stop-file", stopFile.toString()));
            interrupted.awaitLockWaiters(1, run);
            Files.createFile(stopFile);
            locker.commit();
            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.out()).contains("stop file");
        }
        long runId;
        try (Connection c = interrupted.connect()) {
            runId = interrupted.procs(c).latestRun().orElseThrow();
            assertThat(DemoPurge.runStatuses(c)).containsExactly(runId + ":running");
            Map<String, long[]> progress = DemoPurge.progress(c, runId);
            assertThat(progress.get("app.tenants")[0]).as("root rows cached").isEqualTo(8);
            assertThat(progress.get("app.documents")[0]).as("documents cached").isPositive();
            assertThat(progress.get("app.comments")[0]).as("comments not cached yet").isZero();
            assertThat(progress.values().stream().mapToLong(p -> p[1]).sum()).as("rows deleted").isZero();
            PurgeAssertions.assertSameRows(c, before);
        }
        Files.delete(stopFile);

        // 2. declutter stop while deleting: hold the run on its first delete of app.documents, ask it to stop, release.
        try (Connection locker = interrupted.connect()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE app.documents IN SHARE MODE");
            }
            Future<Cli.Result> run = threads.submit(() -> interrupted.cli("run", "--batch-size", BATCH));
            interrupted.awaitLockWaiters(1, run);
            Future<Cli.Result> stop = threads.submit(() -> interrupted.cli("stop"));
            interrupted.awaitLockWaiters(2, run, stop);   // the pause request waits for the unit of work in progress
            locker.commit();
            Cli.Result stopped = stop.get(60, TimeUnit.SECONDS);
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
            assertThat(stopped.out()).contains("Run " + runId + " of job tenant_purge will stop");
            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.out()).contains("Job tenant_purge, run " + runId).contains("pause was requested");
        }
        try (Connection c = interrupted.connect()) {
            assertThat(DemoPurge.runStatuses(c)).containsExactly(runId + ":running");
            Map<String, long[]> progress = DemoPurge.progress(c, runId);
            assertThat(progress.get("app.document_versions")[1]).isEqualTo(closure.count("app.document_versions"));
            assertThat(progress.get("app.documents")[1]).isPositive().isLessThan(closure.count("app.documents"));
            assertThat(progress.get("app.users")[1]).isZero();
            // nothing outside the closure moved, everything gone is backed up
            PurgeAssertions.assertEveryMissingRowIsBackedUp(c, runId, before, closure);
        }

        // 3. Run again: it resumes the same run and finishes.
        Cli.Result done = interrupted.cli(0, "run", "--batch-size", BATCH);
        assertThat(done.out()).contains("Job tenant_purge, run " + runId)
                .contains(String.format("run %d is done: %,d rows deleted", runId, closure.total()));

        try (Connection a = interrupted.connect(); Connection b = reference.connect()) {
            assertThat(DemoPurge.runStatuses(a)).containsExactly(runId + ":done");
            assertThat(DemoPurge.runStatuses(b)).containsExactly(runId + ":done");

            // same final state as the uninterrupted run, and it is the oracle's
            assertThat(PurgeAssertions.checksums(a)).isEqualTo(PurgeAssertions.checksums(b));
            PurgeAssertions.assertExactlyTheClosureIsGone(a, before, closure);

            // nothing backed up twice: the backup is exactly the closure, once, and the same as the reference's
            PurgeAssertions.assertBackupIsExactlyTheClosure(a, runId, before, closure);
            Map<String, Map<String, String>> backupA = DemoPurge.backups(a, runId);
            Map<String, Map<String, String>> backupB = DemoPurge.backups(b, runId);
            assertThat(backupA.keySet()).isEqualTo(backupB.keySet());
            for (String table : backupA.keySet()) {
                assertThat(TableRows.difference(backupA.get(table), backupB.get(table)))
                        .as("%s: backup of the resumed run vs the uninterrupted run's", table).isEmpty();
            }
            Map<String, long[]> progress = DemoPurge.progress(a, runId);
            for (String table : closure.tables()) {
                long expected = closure.count(table);
                assertThat(progress.get(table)).as("%s: rows_cached, rows_deleted after resuming", table)
                        .containsExactly(expected, expected);
            }
        }
        assertThat(interrupted.cli(0, "verify").out()).contains("OK: no purged row remains");
    }
}
