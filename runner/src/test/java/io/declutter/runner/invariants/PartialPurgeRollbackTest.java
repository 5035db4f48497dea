package io.declutter.runner.invariants;

import io.declutter.dialect.JobProcedures;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 3 (docs/design.md#invariants) after a partial purge: a run stopped in the middle of its deletes is rolled
 * back with {@code declutter rollback} and every table of the demo schema is exactly as before (per-table checksums,
 * identity values included; {@code audit_events} is GENERATED ALWAYS, {@code invoice_lines} has a stored generated
 * column), sequences are not behind, the run is 'rolled back' and {@code declutter verify} exits 0.
 *
 * <p>First stop: in the middle of the self-referencing {@code app.folders}, where rows not yet deleted have been
 * detached (parent set to NULL) and must be re-attached. Second stop, a new run after the first rollback: in the
 * middle of {@code app.users}, when every table below it is already empty of closure rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartialPurgeRollbackTest {

    private static DemoPurge demo;
    private static Map<String, Map<String, String>> before;
    private static Map<String, Checksums.Sum> checksumsBefore;
    private static ClosureOracle.Closure closure;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("inv3");
        try (Connection c = demo.connect()) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            checksumsBefore = PurgeAssertions.checksums(c);
            closure = demo.oracle(c);
        }
        assertThat(closure.count("app.folders")).isGreaterThan(300);
        assertThat(closure.count("app.users")).isGreaterThan(150);
        demo.generateAndDeploy();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    @Order(1)
    void rollbackInTheMiddleOfASelfReferencingTable() throws Exception {
        long run;
        try (Connection runner = demo.connect()) {
            JobProcedures procs = demo.procs(runner);
            run = procs.beginRun(Optional.empty(), 1000);
            DemoPurge.stepUntilNext(procs, runner, run, "app.folders", 5000);
            for (int i = 0; i < 3; i++) {
                JobProcedures.Step step = procs.step(run, 100);
                assertThat(step.phase()).isEqualTo("delete");
                assertThat(step.rows()).isEqualTo(100);
            }
        }
        try (Connection c = demo.connect()) {
            Map<String, String> folders = TableRows.of(c, "app.folders");
            Set<String> purgedFolders = closure.keys("app.folders");
            assertThat(TableRows.missing(before.get("app.folders"), folders)).hasSize(300);
            // closure folders still present were modified (detached); the rollback has to undo that too
            assertThat(TableRows.changed(TableRows.only(before.get("app.folders"), purgedFolders), folders))
                    .as("closure folders detached by the partial purge").isNotEmpty();
            assertThat(TableRows.difference(TableRows.of(c, "app.projects"), before.get("app.projects"))).isEmpty();
            assertThat(TableRows.of(c, "app.document_versions").size())
                    .isEqualTo(before.get("app.document_versions").size() - closure.count("app.document_versions"));
            assertThat(demo.procs(c).runInfo(run).status()).isEqualTo("running");
            PurgeAssertions.assertEveryMissingRowIsBackedUp(c, run, before, closure);
        }

        rollBackAndCheck(run, goneSoFar());
    }

    @Test
    @Order(2)
    void secondRunRolledBackInTheMiddleOfItsLastTablesButOne() throws Exception {
        long run;
        try (Connection runner = demo.connect()) {
            JobProcedures procs = demo.procs(runner);
            run = procs.beginRun(Optional.empty(), 1000);
            assertThat(run).as("a new run after the rollback").isEqualTo(2);
            DemoPurge.stepUntilNext(procs, runner, run, "app.users", 5000);
            for (int i = 0; i < 3; i++) {
                assertThat(procs.step(run, 50).rows()).isEqualTo(50);
            }
        }
        try (Connection c = demo.connect()) {
            for (String table : before.keySet()) {
                long left = TableRows.of(c, table).size();
                long expected = before.get(table).size() - switch (table) {
                    case "app.users" -> 150;
                    case "app.tenants" -> 0;
                    default -> closure.count(table);
                };
                assertThat(left).as("%s: rows left in the partial purge", table).isEqualTo(expected);
            }
            PurgeAssertions.assertEveryMissingRowIsBackedUp(c, run, before, closure);
        }

        rollBackAndCheck(run, goneSoFar());
    }

    private static long goneSoFar() throws Exception {
        long gone = 0;
        try (Connection c = demo.connect()) {
            for (String table : before.keySet()) {
                gone += TableRows.missing(before.get(table), TableRows.of(c, table)).size();
            }
        }
        return gone;
    }

    private static void rollBackAndCheck(long run, long deleted) throws Exception {
        assertThat(deleted).isPositive().isLessThan(closure.total());
        Cli.Result r = demo.cli(0, "rollback", "--run", Long.toString(run));
        assertThat(r.out()).contains(String.format("Run %d rolled back: %,d rows restored.", run, deleted));
        try (Connection c = demo.connect()) {
            PurgeAssertions.assertRolledBack(demo, c, run, checksumsBefore);
            PurgeAssertions.assertSameRows(c, before);
        }
    }
}
