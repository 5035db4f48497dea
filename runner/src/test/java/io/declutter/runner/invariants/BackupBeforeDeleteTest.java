package io.declutter.runner.invariants;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 1 (docs/design.md#invariants): every row deleted is in the backup, committed no later than its deletion.
 *
 * <p>The demo job is generated and deployed with the CLI, then driven one step procedure call at a time on one
 * connection while a second connection looks at what is committed: after caching (nothing deleted, the backup
 * already holds the whole closure), after each of the first delete batches, in the middle of the self-referencing
 * {@code app.folders} (whose remaining rows get detached), and when the run is done. At every stop each row gone
 * from the demo schema must be a closure row whose backup copy has the same content (md5 of all its columns), and
 * no row outside the closure may have changed.
 */
class BackupBeforeDeleteTest {

    private static DemoPurge demo;
    private static Map<String, Map<String, String>> before;
    private static ClosureOracle.Closure closure;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("inv1");
        demo.generateAndDeploy();
        try (Connection c = demo.connect()) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            closure = demo.oracle(c);
        }
        assertThat(closure.count("app.tenants")).isEqualTo(8);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void everyDeletedRowIsInTheCommittedBackupAtEveryStop() throws Exception {
        try (Connection runner = demo.connect(); Connection observer = demo.connect()) {
            JobProcedures procs = demo.procs(runner);
            long run = procs.beginRun(Optional.empty(), 1000);

            // Cache only: the whole closure is backed up and committed before any delete.
            String phase;
            int cacheSteps = 0;
            do {
                phase = DemoPurge.cacheStep(runner, run);
                cacheSteps++;
            } while (phase.equals("cache"));
            assertThat(phase).isEqualTo("cached");
            assertThat(cacheSteps).isGreaterThan(1);
            assertThat(total(PurgeAssertions.assertEveryMissingRowIsBackedUp(observer, run, before, closure))).isZero();
            PurgeAssertions.assertBackupIsExactlyTheClosure(observer, run, before, closure);

            // The first delete batches, 7 rows each, checked one by one from the other connection.
            long deleted = 0;
            for (int i = 1; i <= 3; i++) {
                JobProcedures.Step step = procs.step(run, 7);
                assertThat(step.phase()).isEqualTo("delete");
                deleted += step.rows();
                Map<String, Integer> gone = PurgeAssertions.assertEveryMissingRowIsBackedUp(observer, run, before, closure);
                assertThat(total(gone)).as("rows gone after %d delete batches", i).isEqualTo(deleted).isEqualTo(7L * i);
            }

            // Into the middle of app.folders: its remaining closure rows get their parent detached, deleted ones are backed up.
            DemoPurge.stepUntilNext(procs, runner, run, "app.folders", 2000);
            long goneBeforeFolders = total(PurgeAssertions.assertEveryMissingRowIsBackedUp(observer, run, before, closure));
            for (int i = 0; i < 3; i++) {
                assertThat(procs.step(run, 100).rows()).isEqualTo(100);
            }
            Map<String, Integer> gone = PurgeAssertions.assertEveryMissingRowIsBackedUp(observer, run, before, closure);
            assertThat(gone.get("app.folders")).isEqualTo(300);
            assertThat(total(gone)).isEqualTo(goneBeforeFolders + 300);
            assertThat(gone.get("app.projects")).isZero();

            // To the end, in batches of 1000; then exactly the closure is gone, every row of it from the backup.
            JobProcedures.Step step;
            do {
                step = procs.step(run, 1000);
                assertThat(step.phase()).isIn("delete", "done");
            } while (!step.phase().equals("done"));
            gone = PurgeAssertions.assertEveryMissingRowIsBackedUp(observer, run, before, closure);
            for (String table : before.keySet()) {
                assertThat(gone.get(table).longValue()).as("%s: rows deleted vs the oracle", table)
                        .isEqualTo(closure.count(table));
            }
            assertThat(total(gone)).isEqualTo(closure.total());
            assertThat(procs.runInfo(run).status()).isEqualTo("done");
        }
    }

    private static long total(Map<String, Integer> gone) {
        return gone.values().stream().mapToLong(Integer::longValue).sum();
    }
}
