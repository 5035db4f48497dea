package io.declutter.runner.invariants;

import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.Cli;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants 2 (a complete purge removes exactly the closure) and 3 after a complete purge (docs/design.md#invariants)
 * (rollback restores every table), driven entirely through the CLI as a DBA would: {@code generate}, {@code deploy
 * --dir}, {@code run}, {@code verify}, {@code rollback}, {@code verify}. The expected rows come from the
 * independent closure oracle, not from the product. A few rows are added to the demo so that part of the closure
 * is reachable only through the self-reference of {@code app.folders} (the fixed point).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompletePurgeTest {

    /**
     * The demo keeps every reference inside one tenant, so its folder tree never needs the self-reference to reach
     * a row. These rows do: a folder of an active tenant's project placed under a folder of purged tenant 5, a
     * folder under that one, and a document with a version in it. Only the self-reference (and then
     * documents.folder_id) makes them closure rows.
     */
    private static final String CROSS_TENANT_FOLDERS = """
            INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at)
            SELECT 900001, (SELECT min(id) FROM app.projects WHERE tenant_id = 1),
                   (SELECT min(f.id) FROM app.folders f JOIN app.projects p ON p.id = f.project_id WHERE p.tenant_id = 5),
                   'moved under a closed tenant', now();
            INSERT INTO app.folders (id, project_id, parent_folder_id, name, created_at)
            SELECT 900002, project_id, 900001, 'nested', now() FROM app.folders WHERE id = 900001;
            INSERT INTO app.documents (id, folder_id, author_id, title, mime_type, created_at)
            SELECT 900003, 900002, (SELECT min(id) FROM app.users WHERE tenant_id = 1), 'kept?', 'text/plain', now();
            INSERT INTO app.document_versions (document_id, version_no, size_bytes, body, created_at)
            VALUES (900003, 1, 5, 'hello', now());
            SELECT setval(pg_get_serial_sequence('app.folders', 'id'), (SELECT max(id) FROM app.folders));
            SELECT setval(pg_get_serial_sequence('app.documents', 'id'), (SELECT max(id) FROM app.documents));
            """;

    private static DemoPurge demo;
    private static Map<String, Map<String, String>> before;
    private static Map<String, Checksums.Sum> checksumsBefore;
    private static ClosureOracle.Closure closure;
    private static long run;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("inv2");
        try (Connection c = demo.connect()) {
            SqlScripts.run(c, CROSS_TENANT_FOLDERS);
            before = TableRows.of(c, DemoPurge.appTables(c));
            checksumsBefore = PurgeAssertions.checksums(c);
            closure = demo.oracle(c);
        }
        assertThat(closure.count("app.tenants")).isEqualTo(8);
        assertThat(closure.total()).isGreaterThan(30_000);
        assertThat(closure.keys("app.folders")).contains("(900001)", "(900002)");
        assertThat(closure.keys("app.documents")).contains("(900003)");
        assertThat(closure.keys("app.document_versions")).contains("(900003,1)");
        assertThat(closure.keys("app.projects")).doesNotContain("(1)");
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
    void completePurgeRemovesExactlyTheClosureAndNothingElse() throws Exception {
        Cli.Result r = demo.cli(0, "run");
        assertThat(r.out()).contains(String.format("is done: %,d rows deleted", closure.total()));
        try (Connection c = demo.connect()) {
            run = demo.procs(c).latestRun().orElseThrow();
            assertThat(DemoPurge.runStatuses(c)).containsExactly(run + ":done");

            PurgeAssertions.assertExactlyTheClosureIsGone(c, before, closure);
            PurgeAssertions.assertBackupIsExactlyTheClosure(c, run, before, closure);

            // the control table counts the same rows as the oracle, table by table
            Map<String, long[]> progress = DemoPurge.progress(c, run);
            for (String table : closure.tables()) {
                long expected = closure.count(table);
                assertThat(progress.get(table)).as("%s: control rows_cached, rows_deleted", table)
                        .containsExactly(expected, expected);
            }
        }
        assertThat(demo.cli(0, "verify", "--run", Long.toString(run)).out())
                .contains("OK: no purged row remains and no row references a purged row.");
        // what the DBA sees from the real entry point, whose output is followed by System.exit
        Cli.Result verify = demo.entryPoint("verify", "--run", Long.toString(run));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).as(verify.toString()).contains("Verify run " + run + " (done)")
                .contains("OK: no purged row remains and no row references a purged row.");
    }

    @Test
    @Order(2)
    void rollbackAfterTheCompletePurgeRestoresEveryTable() throws Exception {
        assertThat(run).as("the purge test ran first").isPositive();
        Cli.Result r = demo.cli(0, "rollback", "--run", Long.toString(run));
        assertThat(r.out()).contains(String.format("Run %d rolled back: %,d rows restored.", run, closure.total()));
        try (Connection c = demo.connect()) {
            PurgeAssertions.assertRolledBack(demo, c, run, checksumsBefore);
            PurgeAssertions.assertSameRows(c, before);
        }
    }
}
