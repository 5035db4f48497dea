package io.declutter.runner.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.targets.JdbcSchema;
import io.declutter.runner.testing.targets.PurgeTarget;
import io.declutter.runner.testing.targets.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The safety invariants (docs/design.md#invariants) on the demo, one suite for every database:
 * {@link PostgresInvariantSuiteTest} runs it on PostgreSQL, {@code OracleInvariantSuiteTest} on Oracle Database Free.
 * Everything goes through the CLI ({@code generate}, {@code deploy}, {@code run}, {@code status --json},
 * {@code verify}, {@code rollback}, a stop file) and plain JDBC: the expected rows come from {@link ClosureOracle},
 * computed in Java from the data and the foreign keys JDBC metadata reports, never from the product's catalog queries;
 * rows are read with {@code SELECT *} and hashed in Java. The deeper PostgreSQL-only tests (concurrent inserts,
 * crashes, locks, the backup at every moment of a run) live beside it in this package.
 *
 * <ol>
 *   <li>A complete purge removes exactly the closure and changes nothing else, leaves no orphan, and its backup
 *       holds exactly the closure rows with their former content (invariants 1 and 2); status and verify agree.</li>
 *   <li>Rolling it back restores every table exactly: every row, every column (invariant 3).</li>
 *   <li>A run stopped by a stop file while deleting holds every row it deleted in its backup (invariant 1 at that
 *       moment); run again, it resumes and ends in the same state as the uninterrupted run, with the same backup,
 *       nothing backed up twice (invariant 4).</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class InvariantSuite {

    private static final String JOB = "tenant_purge";
    private static final String BATCH = "200";

    protected PurgeTarget target;
    private String skipped;
    private JdbcSchema schema;
    private Snapshot before;
    private ClosureOracle.Closure closure;
    private long firstRun;
    private Map<String, Map<String, String>> afterFirstRun;
    private Map<String, Map<String, String>> firstBackup;

    /**
     * A fresh database holding the demo sample, with the demo's job file. Where there is none (no Docker for a
     * container), it aborts with a {@link TestAbortedException} (a JUnit assumption) and every test is skipped.
     */
    protected abstract PurgeTarget createTarget() throws Exception;

    @BeforeAll
    void setUpTarget() throws Exception {
        try {
            target = createTarget();
        } catch (TestAbortedException e) {
            skipped = e.getMessage();   // reported by every test below as skipped, with the reason
            return;
        }
        try (Connection c = target.connect()) {
            schema = JdbcSchema.read(c, target.appSchema());
            before = Snapshot.read(c, schema);
            closure = ClosureOracle.compute(c, schema, before, target.table("tenants"), target.rootPredicate());
        }
        assertThat(schema.tables()).as("tables of the demo").contains(target.table("tenants"), target.table("documents"));
        assertThat(ClosureOracle.orphans(schema, before)).as("orphans before the purge").isEmpty();
        assertThat(closure.count(target.table("tenants"))).as("tenants to purge").isEqualTo(8);
        assertThat(closure.counts().keySet()).as("tables with closure rows").hasSizeGreaterThan(10);
        assertThat(closure.count(target.table("documents"))).as("documents to purge").isPositive();
        Path generated = target.dir().resolve("generated");
        cli(0, "generate", "-o", generated.toString());
        cli(0, "deploy", "--dir", generated.toString());
    }

    @BeforeEach
    void skipWithoutTarget() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void closeTarget() throws Exception {
        if (target != null) {
            target.close();
        }
    }

    @Test
    @Order(1)
    public void aCompletePurgeRemovesExactlyTheClosureWithItsBackup() throws Exception {
        Cli.Result r = cli(0, "run", "--ignore-window", "--batch-size", BATCH);
        JsonNode status = status();
        firstRun = status.get("run").asLong();
        assertThat(r.out()).contains(String.format("run %d is done: %,d rows deleted", firstRun, closure.total()));
        assertThat(status.get("status").asText()).isEqualTo("done");
        assertThat(perTable(status, "cached")).as("status --json: rows cached per table").isEqualTo(closure.counts());
        assertThat(perTable(status, "deleted")).as("status --json: rows deleted per table").isEqualTo(closure.counts());

        Snapshot after = snapshot();
        assertExactlyTheClosureIsGone(after);
        firstBackup = backups(firstRun);
        assertBackupIsExactlyTheClosure(firstBackup, firstRun);
        afterFirstRun = after.rows();

        Cli.Result verify = cli(0, "verify", "--run", Long.toString(firstRun));
        assertThat(verify.out()).contains("OK: no purged row remains and no row references a purged row.");
    }

    @Test
    @Order(2)
    public void rollbackRestoresEveryTableExactly() throws Exception {
        assertThat(firstRun).as("the complete purge ran first").isPositive();
        Cli.Result r = cli(0, "rollback", "--run", Long.toString(firstRun));
        assertThat(r.out()).contains(String.format("Run %d rolled back: %,d rows restored.", firstRun, closure.total()));
        Snapshot restored = snapshot();
        assertThat(restored.checksums()).as("per-table checksums after the rollback vs before the purge")
                .isEqualTo(before.checksums());
        for (String table : before.tables()) {
            assertThat(difference(restored.rows().get(table), before.rows().get(table)))
                    .as("%s: rows after the rollback vs before the purge (key -> md5 of the row)", table).isEmpty();
        }
        assertThat(status().get("status").asText()).isEqualTo("rolled back");
        assertThat(cli(0, "verify", "--run", Long.toString(firstRun)).out()).contains("OK: every purged row is back.");
    }

    @Test
    @Order(3)
    public void aStoppedRunResumesToTheStateOfTheUninterruptedOne() throws Exception {
        assertThat(afterFirstRun).as("the complete purge ran first").isNotNull();
        Path stop = target.dir().resolve("stop");
        String documents = target.table("documents");
        List<String> key = schema.primaryKeys().get(documents);
        String locked = closure.keys(documents).stream().min(String::compareTo).orElseThrow();
        assertThat(key).hasSize(1);
        assertThat(locked).matches("\\d+");
        ExecutorService threads = Executors.newSingleThreadExecutor();
        long run;
        try (Connection locker = target.connect()) {
            // Hold one closure row of documents (deleted after its children): the run deletes the leaves, then
            // waits on this row (or times out and retries); meanwhile the stop file appears, then the row is freed.
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.executeQuery("SELECT * FROM " + PurgeTarget.qualified(documents) + " WHERE "
                        + PurgeTarget.quote(key.get(0)) + " = " + locked + " FOR UPDATE").close();
            }
            Future<Cli.Result> running = threads.submit(() ->
                    target.cli("run", "--ignore-window", "--batch-size", BATCH, "--stop-file", stop.toString()));
            awaitRowsDeleted(running);
            Files.createFile(stop);
            Thread.sleep(200);
            locker.commit();
            Cli.Result r = running.get(5, TimeUnit.MINUTES);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.out()).contains("stop file");
        } finally {
            threads.shutdownNow();
        }
        run = status().get("run").asLong();
        assertThat(run).as("a new run").isGreaterThan(firstRun);

        // Stopped: part of the closure is gone, all of it in the committed backup, nothing else touched.
        Snapshot stopped = snapshot();
        Map<String, Map<String, String>> backup = backups(run);
        long gone = 0;
        for (String table : before.tables()) {
            Map<String, String> was = before.rows().get(table);
            Map<String, String> now = stopped.rows().get(table);
            Set<String> appeared = new HashSet<>(now.keySet());
            appeared.removeAll(was.keySet());
            assertThat(appeared).as("%s: rows that appeared", table).isEmpty();
            List<String> outside = new ArrayList<>();
            List<String> notBackedUp = new ArrayList<>();
            for (Map.Entry<String, String> e : was.entrySet()) {
                String k = e.getKey();
                boolean inClosure = closure.keys(table).contains(k);
                if (!inClosure && !e.getValue().equals(now.get(k))) {
                    outside.add(k);
                }
                if (inClosure && !now.containsKey(k)) {
                    gone++;
                    if (!e.getValue().equals(backup.getOrDefault(table, Map.of()).get(k))) {
                        notBackedUp.add(k);
                    }
                }
            }
            assertThat(outside).as("%s: rows outside the closure deleted or changed", table).isEmpty();
            assertThat(notBackedUp).as("%s: rows deleted without the same row in the backup of run %d", table, run)
                    .isEmpty();
        }
        assertThat(gone).as("rows deleted when the run stopped").isPositive().isLessThan(closure.total());
        assertThat(stopped.rows().get(documents)).as("the held document").containsKey(locked);

        // Run again: the same run resumes and ends where the uninterrupted run ended.
        Files.delete(stop);
        Cli.Result done = cli(0, "run", "--ignore-window", "--batch-size", BATCH);
        assertThat(done.out()).contains(String.format("run %d is done: %,d rows deleted", run, closure.total()));
        JsonNode status = status();
        assertThat(status.get("run").asLong()).isEqualTo(run);
        assertThat(perTable(status, "cached")).as("rows cached per table, once each").isEqualTo(closure.counts());
        assertThat(perTable(status, "deleted")).as("rows deleted per table").isEqualTo(closure.counts());
        Snapshot end = snapshot();
        for (String table : before.tables()) {
            assertThat(difference(end.rows().get(table), afterFirstRun.get(table)))
                    .as("%s: after the resumed run vs after the uninterrupted run", table).isEmpty();
        }
        Map<String, Map<String, String>> resumedBackup = backups(run);
        assertBackupIsExactlyTheClosure(resumedBackup, run);
        assertThat(resumedBackup).as("backup of the resumed run vs the uninterrupted run's").isEqualTo(firstBackup);
        assertThat(cli(0, "verify", "--run", Long.toString(run)).out())
                .contains("OK: no purged row remains and no row references a purged row.");
    }

    // ---- checks ----

    /** Invariant 2: no closure row remains; every other row is there, unchanged; no row appeared; no orphan. */
    private void assertExactlyTheClosureIsGone(Snapshot after) {
        assertThat(after.tables()).as("tables").isEqualTo(before.tables());
        Map<String, Map<String, String>> was = before.rows();
        Map<String, Map<String, String>> now = after.rows();
        for (String table : before.tables()) {
            Map<String, String> expected = new TreeMap<>(was.get(table));
            expected.keySet().removeAll(closure.keys(table));
            assertThat(difference(now.get(table), expected))
                    .as("%s: rows after the purge vs the rows outside the closure before it", table).isEmpty();
        }
        assertThat(ClosureOracle.orphans(schema, after)).as("orphans after the purge").isEmpty();
    }

    /** The backup of a run is exactly the closure, each row once and with its content before the purge. */
    private void assertBackupIsExactlyTheClosure(Map<String, Map<String, String>> backup, long run) {
        assertThat(backup.keySet()).as("tables with a backup").containsAll(closure.counts().keySet());
        Map<String, Map<String, String>> was = before.rows();
        for (String table : backup.keySet()) {
            Map<String, String> expected = new TreeMap<>(was.get(table));
            expected.keySet().retainAll(closure.keys(table));
            assertThat(difference(backup.get(table), expected))
                    .as("%s: backup of run %d vs the closure rows before the purge", table, run).isEmpty();
        }
    }

    /** "+key" for a row only in {@code actual}, "-key" only in {@code expected}, "~key" in both but different. */
    private static List<String> difference(Map<String, String> actual, Map<String, String> expected) {
        List<String> out = new ArrayList<>();
        actual.forEach((k, v) -> {
            if (!expected.containsKey(k)) {
                out.add("+" + k);
            } else if (!expected.get(k).equals(v)) {
                out.add("~" + k);
            }
        });
        expected.keySet().stream().filter(k -> !actual.containsKey(k)).forEach(k -> out.add("-" + k));
        return out.size() > 20 ? List.of(out.size() + " differences, e.g. " + out.subList(0, 20)) : out;
    }

    // ---- access ----

    private Cli.Result cli(int expectedExit, String verb, String... args) {
        Cli.Result r = target.cli(verb, args);
        assertThat(r.exitCode()).as("declutter %s %s on %s%n%s", verb, String.join(" ", args), target.dialect(), r)
                .isEqualTo(expectedExit);
        return r;
    }

    private Snapshot snapshot() throws SQLException {
        try (Connection c = target.connect()) {
            return Snapshot.read(c, schema);
        }
    }

    /** {@code declutter status --json} of the latest run. */
    private JsonNode status() throws Exception {
        return new ObjectMapper().readTree(cli(0, "status", "--json").out());
    }

    /** A per-table number of {@code status --json}, for tables where it is not zero. */
    private static Map<String, Long> perTable(JsonNode status, String field) {
        Map<String, Long> out = new TreeMap<>();
        status.get("tables").forEach(t -> {
            if (t.get(field).asLong() != 0) {
                out.put(t.get("table").asText(), t.get(field).asLong());
            }
        });
        return out;
    }

    /**
     * What the backup tables hold for a run: closure table to (key to md5 of the row). The backup tables are those
     * the control table names (its primary edge of each table), in the declutter schema.
     */
    private Map<String, Map<String, String>> backups(long run) throws SQLException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (Connection c = target.connect()) {
            Map<String, String> tables = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT child_table, backup_table, is_primary, strategy"
                    + " FROM " + PurgeTarget.quote(target.declutterSchema()) + ".control WHERE job = ?")) {
                ps.setString(1, JOB);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getBoolean(3) && "delete".equals(rs.getString(4))) {
                            tables.put(rs.getString(1), PurgeTarget.quote(target.declutterSchema()) + "."
                                    + PurgeTarget.quote(rs.getString(2)));
                        }
                    }
                }
            }
            for (Map.Entry<String, String> e : tables.entrySet()) {
                out.put(e.getKey(), Snapshot.backupRows(c, e.getValue(), run, e.getKey(), before, schema));
            }
        }
        return out;
    }

    /** Waits until the run in {@code running} has committed deleted rows; fails if it ends first. */
    private void awaitRowsDeleted(Future<Cli.Result> running) throws Exception {
        Instant until = Instant.now().plus(Duration.ofMinutes(3));
        try (Connection c = target.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(SUM(rows_deleted), 0) FROM " + PurgeTarget.quote(target.declutterSchema())
                        + ".control WHERE job = ? AND run_id > ?")) {
            ps.setString(1, JOB);
            ps.setLong(2, firstRun);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                if (running.isDone()) {
                    throw new AssertionError("the run ended before it deleted anything: " + running.get());
                }
                if (Instant.now().isAfter(until)) {
                    throw new AssertionError("the run deleted nothing in 3 minutes");
                }
                Thread.sleep(20);
            }
        }
    }
}
