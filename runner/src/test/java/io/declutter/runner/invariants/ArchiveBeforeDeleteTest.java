package io.declutter.runner.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.dialect.JobProcedures;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.ChildCli;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.declutter.runner.testing.RunnerSessions.awaitNone;
import static io.declutter.runner.testing.RunnerSessions.awaitWaitingForLock;
import static io.declutter.runner.testing.RunnerSessions.observer;
import static io.declutter.runner.testing.RunnerSessions.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Archive before delete (docs/archive.md#archive-before-delete), on the demo with {@code backup: {keep: 0, archive:
 * archives}}: every unit's backup rows are in the archive before the unit commits, so invariant 1 (every row deleted
 * is in a committed backup, docs/design.md#invariants) holds with the archive as the backup, and the run leaves no
 * copy in the database yet has a verified archive that {@code rollback --from} restores every table from.
 *
 * <p>The kill test holds the runner inside the archiving of a unit (a lock on a backup table the archive reads after
 * the step procedure returned), kills its JVM there (a cache unit) and terminates its backend there (a delete unit
 * whose rows are deleted, uncommitted), and checks after each: the unit did not commit, every row gone is in the
 * committed backup, the committed archive equals the backup file by file and covers every backup row, then resumes.
 * The server is never restarted.
 */
class ArchiveBeforeDeleteTest {

    private static final String BATCH = "200";

    private static DemoPurge pristine;
    private static Map<String, Map<String, String>> before;
    private static ClosureOracle.Closure closure;
    private static Map<String, Checksums.Sum> originalSums;

    @BeforeAll
    static void setUp() throws Exception {
        pristine = DemoPurge.create("arcb");
        configure(pristine);
        pristine.generateAndDeploy();
        try (Connection c = pristine.connect()) {
            before = TableRows.of(c, DemoPurge.appTables(c));
            closure = pristine.oracle(c);
            originalSums = PurgeAssertions.checksums(c);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (pristine != null) {
            pristine.close();
        }
    }

    /** The demo's job with its backup archived unit by unit and dropped at the end; lock waits long enough to hold. */
    private static void configure(DemoPurge d) throws Exception {
        String job = Files.readString(d.jobFile());
        assertThat(job).contains("backup: true").contains("lock: 5s");
        Files.writeString(d.jobFile(), job.replace("backup: true", "backup: {keep: 0, archive: archives}")
                .replace("lock: 5s", "lock: 60s"));
    }

    @Test
    void runLeavesNoCopyInTheDatabaseAndAnArchiveThatRestoresEveryTable() throws Exception {
        try (DemoPurge db = DemoPurge.copyOf(pristine, "arcb_run")) {
            configure(db);
            Cli.Result r = db.cli(0, "run", "--batch-size", BATCH, "--no-vacuum");
            long run;
            try (Connection c = db.connect()) {
                run = db.procs(c).latestRun().orElseThrow();
            }
            Path archive = db.dir().resolve("archives").resolve("run-" + run);
            assertThat(r.out()).contains("archiving every unit into " + archive)
                    .contains("Run " + run + " archived unit by unit in " + archive.toAbsolutePath())
                    .contains("run marked expired").contains("archived in " + archive.toAbsolutePath());
            assertNoCopyInTheDatabase(db, run);
            // the receipt: the backup dropped, the archive the only copy, with its checksum
            JsonNode d = new ObjectMapper().readTree(db.cli(0, "receipt", "--run", Long.toString(run), "--json").out());
            assertThat(d.get("copies").get(0).get("state").asText()).isEqualTo("dropped");
            assertThat(d.get("copies").get(1).get("location").asText()).isEqualTo(archive.toAbsolutePath().toString());
            assertFinalArchive(db, run, archive);
        }
    }

    @Test
    void killedInTheMiddleOfArchivingUnitsTheArchiveStaysTheBackupAndResumes() throws Exception {
        try (DemoPurge db = DemoPurge.copyOf(pristine, "arcb_kill")) {
            configure(db);
            List<JobProcedures.BackupTable> tables;
            try (Connection c = observer(db)) {
                tables = db.procs(c).backupTables();
            }
            Path archives = db.dir().resolve("archives");

            // 1. SIGKILL inside the first cache unit's archiving: its file is written, the unit not committed.
            String last = "declutter." + ClosureOracle.ident(tables.get(tables.size() - 1).backupTable());
            try (Connection locker = observer(db)) {
                locker.setAutoCommit(false);
                try (Statement st = locker.createStatement()) {
                    st.execute("LOCK TABLE " + last + " IN ACCESS EXCLUSIVE MODE");
                }
                try (ChildCli run = startRun(db); Connection admin = observer(db)) {
                    int pid = awaitWaitingForLock(db, run);
                    assertThat(query(admin, pid)).as("held in the archiving, after the step procedure")
                            .contains("max(declutter_seq)");
                    Path dir = archives.resolve("run-1");
                    assertThat(dataFiles(dir)).as("the unit's file is written before it commits").isNotEmpty();
                    assertThat(scalar(admin, "SELECT count(*) FROM declutter.archive_batch")).isZero();
                    run.kill();
                }
                locker.commit(); // the orphaned backend goes on; no COMMIT comes from the dead runner
            }
            afterKill(db, 1);
            assertThat(dataFiles(archives.resolve("run-1"))).as("the dead unit's file is still there").isNotEmpty();

            // 2. pg_terminate_backend inside a delete unit's archiving: its rows deleted, not committed.
            Cli.Result killed;
            try (ChildCli run = startRun(db); Connection watcher = observer(db)) {
                Instant until = Instant.now().plus(Duration.ofSeconds(120));
                while (logCount(watcher, "delete") < 3) {
                    assertThat(run.isAlive()).as("%s ended before its deletes", run).isTrue();
                    assertThat(Instant.now()).isBefore(until);
                    Thread.sleep(5);
                }
                try (Connection locker = observer(db); Connection admin = observer(db)) {
                    locker.setAutoCommit(false);
                    try (Statement st = locker.createStatement()) {
                        st.execute("LOCK TABLE declutter." + ClosureOracle.ident(tables.get(0).backupTable())
                                + " IN ACCESS EXCLUSIVE MODE");
                    }
                    int pid = awaitWaitingForLock(db, run);
                    assertThat(query(admin, pid)).as("held in the archiving, after the step procedure")
                            .contains("max(declutter_seq)");
                    assertThat(scalar(admin, "SELECT count(*) FROM pg_locks l JOIN pg_class t ON t.oid = l.relation"
                            + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE l.pid = " + pid
                            + " AND n.nspname = 'app' AND l.mode = 'RowExclusiveLock'"))
                            .as("the unit has deleted from an application table").isPositive();
                    try (Statement st = admin.createStatement();
                         ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
                        rs.next();
                        assertThat(rs.getBoolean(1)).isTrue();
                    }
                    killed = run.await(Duration.ofSeconds(30));
                    locker.rollback();
                }
            }
            assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(1);
            assertThat(killed.err()).contains("lost the connection to the database during run 1");
            afterKill(db, 1);

            // 3. Resumed to the end.
            Cli.Result done;
            try (ChildCli run = startRun(db)) {
                done = run.await(Duration.ofSeconds(180));
            }
            assertThat(done.exitCode()).as(done.toString()).isZero();
            assertNoCopyInTheDatabase(db, 1);
            assertFinalArchive(db, 1, archives.resolve("run-1"));
        }
    }

    @Test
    void aDirectoryHoldingOtherFilesIsRefusedAndNothingIsPurged() throws Exception {
        try (DemoPurge db = DemoPurge.copyOf(pristine, "arcb_foreign")) {
            configure(db);
            Path dir = db.dir().resolve("archives").resolve("run-1");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("notes.txt"), "the DBA's own file");
            Cli.Result refused = db.cli(2, "run", "--batch-size", BATCH, "--no-vacuum");
            assertThat(refused.err()).contains(dir.toAbsolutePath() + " holds files that are not of run 1's archive"
                    + " (notes.txt)");
            assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("the DBA's own file");
            try (Connection c = db.connect()) {
                PurgeAssertions.assertSameRows(c, before);
            }
            Files.delete(dir.resolve("notes.txt"));
            db.cli(0, "run", "--batch-size", BATCH, "--no-vacuum");
            assertNoCopyInTheDatabase(db, 1);
        }
    }

    // ---- checks ----

    /**
     * After an interruption: no unit in flight, every row gone is in the committed backup (invariant 1), and the
     * committed archive is the backup: every file it lists verifies against the database (same rows, same bytes in
     * its sequence range), and the ranges of each table follow each other from 0 to its highest backed-up row.
     */
    private static void afterKill(DemoPurge db, long run) throws Exception {
        awaitNone(db);
        try (Connection c = observer(db)) {
            assertThat(DemoPurge.runStatuses(c)).containsExactly(run + ":running");
            PurgeAssertions.assertEveryMissingRowIsBackedUp(c, run, before, closure);
            JobProcedures procs = db.procs(c);
            Map<String, Long> covered = new HashMap<>();
            for (JobProcedures.ArchivedFile f : procs.archivedFiles(run)) {
                Long upto = covered.getOrDefault(f.backupTable(), 0L);
                assertThat(f.seqAfter()).as("%s follows the files before it", f.file()).isEqualTo(upto);
                covered.put(f.backupTable(), f.seqUpto());
            }
            for (JobProcedures.BackupTable t : procs.backupTables()) {
                assertThat(covered.getOrDefault(t.backupTable(), 0L)).as("%s: archived up to its last row",
                        t.backupTable()).isEqualTo(procs.maxBackupSeq(run, t));
            }
        }
        Path dir = db.dir().resolve("archives").resolve("run-" + run);
        if (Files.exists(dir.resolve("manifest.json"))) {
            Cli.Result v = db.cli("archive", "--verify", dir.toString());
            assertThat(v.exitCode()).as(v.toString()).isZero();
            assertThat(v.out()).contains("OK: every file matches the manifest and the database's backup.");
        }
    }

    private static void assertNoCopyInTheDatabase(DemoPurge db, long run) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(DemoPurge.runStatuses(c)).containsExactly(run + ":expired");
            PurgeAssertions.assertExactlyTheClosureIsGone(c, before, closure);
            for (String backup : DemoPurge.backupTables(c).values()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + backup)) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(backup).isZero();
                }
            }
        }
        assertThat(db.cli(0, "verify", "--run", Long.toString(run)).out())
                .contains("no copy of its rows remains in the database");
    }

    /**
     * The archive holds exactly the closure (rows per table), lists only what is in the directory, verifies, is
     * recorded with its checksum, and {@code rollback --from} restores every table to its checksums.
     */
    private static void assertFinalArchive(DemoPurge db, long run, Path archive) throws Exception {
        JsonNode m = new ObjectMapper().readTree(archive.resolve("manifest.json").toFile());
        assertThat(m.get("run").asLong()).isEqualTo(run);
        assertThat(m.get("runStatus").asText()).isEqualTo("done");
        Map<String, Long> rows = new HashMap<>();
        Set<String> listed = new TreeSet<>(List.of("manifest.json", "SHA256SUMS"));
        Set<Integer> units = new TreeSet<>();
        for (JsonNode f : m.get("tables")) {
            if (f.get("holdsRows").asBoolean()) {
                rows.merge(f.get("table").asText(), f.get("rows").asLong(), Long::sum);
            }
            units.add(f.get("batch").asInt());
            listed.add(f.get("file").asText());
        }
        for (String table : closure.tables()) {
            assertThat(rows.getOrDefault(table, 0L)).as("%s: rows in the archive", table)
                    .isEqualTo(closure.count(table));
        }
        assertThat(units).as("the units that wrote files (each cache unit backs up a table)").hasSizeGreaterThan(5)
                .allMatch(u -> u > 0);
        Set<String> present = new TreeSet<>();
        try (var files = Files.list(archive)) {
            files.forEach(f -> present.add(f.getFileName().toString()));
        }
        assertThat(present).as("no file of a unit that rolled back is left").isEqualTo(listed);
        try (Connection c = db.connect()) {
            assertThat(db.procs(c).archives(run)).singleElement()
                    .satisfies(a -> assertThat(a.sha256()).isEqualTo(m.get("sha256").asText()));
        }
        assertThat(db.cli(0, "archive", "--verify", archive.toString()).out()).contains("backup has expired")
                .contains("OK: every file matches the manifest.");

        Cli.Result r = db.cli(0, "rollback", "--run", Long.toString(run), "--from", archive.toString());
        assertThat(r.out()).contains("rolled back");
        try (Connection c = db.connect()) {
            PurgeAssertions.assertRolledBack(db, c, run, originalSums);
        }
    }

    // ---- the runner and its sessions ----

    private static ChildCli startRun(DemoPurge db) throws Exception {
        return ChildCli.start(db.dir(), "run", "-j", db.jobFile().toString(), "--batch-size", BATCH, "--no-vacuum");
    }

    private static List<Path> dataFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".csv.gz")).toList();
        }
    }

    private static long logCount(Connection c, String action) throws SQLException {
        return scalar(c, "SELECT count(*) FROM declutter.log WHERE action = '" + action + "'");
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
