package io.declutter.runner.testing;

import io.declutter.config.JobFileReader;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.model.Job;
import io.declutter.runner.cli.DeclutterCommand;
import io.declutter.localdb.JdbcUrls;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.ScratchDatabase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh database holding the demo sample plus the demo's job file pointed at it, driven the way a DBA would:
 * {@code declutter generate / deploy / run / stop / rollback / verify} through {@link Cli}, or the job's
 * procedures through {@link JobProcedures} for step-by-step control. Closing it drops the database.
 */
public final class DemoPurge implements AutoCloseable {

    public static final String JOB = "tenant_purge";
    public static final String SCHEMA = "declutter";

    private final String name;
    private final String url;
    private final Path dir;
    private final Path jobFile;

    private DemoPurge(String name, String url) throws IOException {
        this.name = name;
        this.url = url;
        this.dir = Files.createTempDirectory("declutter-" + name);
        this.jobFile = JobFiles.demoJob(dir, url);
    }

    /** A new database with the demo sample loaded. */
    public static DemoPurge create(String prefix) throws Exception {
        ScratchDatabase db = TestDatabase.freshDemo(prefix);
        return new DemoPurge(db.name(), db.url());
    }

    /** A byte-for-byte copy of {@code source}'s database (CREATE DATABASE ... TEMPLATE): same data, same now()-relative values. */
    public static DemoPurge copyOf(DemoPurge source, String prefix) throws Exception {
        PostgresLocator.Server server = TestDatabase.server();
        String name = ("declutter_test_" + prefix + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE " + source.name);
        }
        return new DemoPurge(name, JdbcUrls.withDatabase(server.adminUrl(), name));
    }

    public Path dir() {
        return dir;
    }

    public Path jobFile() {
        return jobFile;
    }

    public Connection connect() {
        return TestDatabase.server().connect(url);
    }

    /** {@code declutter <verb> -j <job file> <args>}. */
    public Cli.Result cli(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb, "-j", jobFile.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /**
     * {@code declutter <verb> -j <job file> <args>} through the real entry point ({@code DeclutterCommand.execute},
     * what {@code Main} runs before {@code System.exit}), with the process's standard output and error captured:
     * shows what a DBA sees in the terminal, unlike {@link #cli}, whose writers never lose anything.
     */
    public Cli.Result entryPoint(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb, "-j", jobFile.toString()));
        all.addAll(List.of(args));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        synchronized (DemoPurge.class) {
            System.setOut(new PrintStream(out, false, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, false, StandardCharsets.UTF_8));
            try {
                code = DeclutterCommand.execute(all.toArray(String[]::new));
            } finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
        }
        return new Cli.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Like {@link #cli} and asserts the exit code. */
    public Cli.Result cli(int expectedExit, String verb, String... args) {
        Cli.Result r = cli(verb, args);
        assertThat(r.exitCode()).as("declutter %s %s%n%s", verb, String.join(" ", args), r).isEqualTo(expectedExit);
        return r;
    }

    /** {@code declutter generate -o DIR} then {@code declutter deploy --dir DIR}, as a reviewing DBA would. */
    public void generateAndDeploy() {
        Path generated = dir.resolve("generated");
        cli(0, "generate", "-o", generated.toString());
        cli(0, "deploy", "--dir", generated.toString());
    }

    public JobProcedures procs(Connection c) {
        return new PostgresJobProcedures(c, JOB, SCHEMA);
    }

    /** The job's root and predicate, as its job file gives them. */
    public Job job() {
        return JobFileReader.read(jobFile).job();
    }

    /** The independent closure of the job's root rows, computed from the data as it is now. */
    public ClosureOracle.Closure oracle(Connection c) throws SQLException {
        Job job = job();
        return ClosureOracle.compute(c, job.root().display(), job.rootPredicate().orElseThrow());
    }

    /** Base tables of the demo schema {@code app}, as {@code app.table}. */
    public static List<String> appTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT table_schema || '.' || table_name"
                + " FROM information_schema.tables WHERE table_schema = 'app' AND table_type = 'BASE TABLE' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /** Closure table ({@code app.table}) to its backup table, qualified and quoted, from the control table. */
    public static Map<String, String> backupTables(Connection c) throws SQLException {
        Map<String, String> tables = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT child_table, backup_table FROM " + SCHEMA
                + ".control WHERE job = ? AND is_primary")) {
            ps.setString(1, JOB);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.put(rs.getString(1), ClosureOracle.ident(SCHEMA) + "." + ClosureOracle.ident(rs.getString(2)));
                }
            }
        }
        return tables;
    }

    /** What the backup tables hold for a run: table to (key text to row md5 over the table's columns). */
    public static Map<String, Map<String, String>> backups(Connection c, long run) throws SQLException {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (Map.Entry<String, String> e : backupTables(c).entrySet()) {
            all.put(e.getKey(), TableRows.inBackup(c, e.getKey(), e.getValue(), run));
        }
        return all;
    }

    /** One cache-only call of the step procedure ({@code p_cache_only => true}); returns the phase. */
    public static String cacheStep(Connection c, long run) throws SQLException {
        try (CallableStatement cs = c.prepareCall("CALL " + SCHEMA + "." + JOB + "_step(?, ?, true, NULL, NULL, NULL)")) {
            cs.setLong(1, run);
            cs.setInt(2, 1000);
            try (ResultSet rs = cs.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /**
     * Calls the step procedure until every row of the tables deleted before {@code table} is deleted and none of
     * {@code table}'s: through the cache with {@code batch}, then with {@code batch} or the rows left before
     * {@code table} if fewer. A call goes on to the next table's batch while it has deleted fewer rows than its batch
     * size (docs/design.md#delete-batches), so the last call is given exactly the rows left: it ends with them, and
     * {@code table}'s first batch waits for the next call, which first marks the last of those tables deleted.
     */
    public static int stepUntilNext(JobProcedures procs, Connection c, long run, String table, int batch)
            throws SQLException {
        List<String> order = procs.tables();
        assertThat(order).contains(table);
        List<String> before = order.subList(0, order.indexOf(table));
        int steps = 0;
        while (true) {
            int size = batch;
            if (cached(c, run)) {
                long left = rowsLeft(c, run, before);
                if (left == 0) {
                    return steps;
                }
                size = (int) Math.min(batch, left);
            }
            JobProcedures.Step s = procs.step(run, size);
            assertThat(s.phase()).as("phase of step %d", steps).isIn("cache", "delete");
            steps++;
        }
    }

    /** Whether every cache unit of the run is done (a call then deletes, and never caches). */
    private static boolean cached(Connection c, long run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + SCHEMA + ".control WHERE run_id = ?"
                + " AND status = 'pending'")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        }
    }

    /** Rows cached and not deleted yet of {@code tables}. */
    private static long rowsLeft(Connection c, long run, List<String> tables) throws SQLException {
        if (tables.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(rows_cached), 0) - coalesce(sum(rows_deleted), 0)"
                + " FROM " + SCHEMA + ".control WHERE run_id = ? AND strategy = 'delete' AND child_table = ANY (?)")) {
            ps.setLong(1, run);
            ps.setArray(2, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The control table's rows_cached and rows_deleted of a run, per closure table (summed over its edges). */
    public static Map<String, long[]> progress(Connection c, long run) throws SQLException {
        Map<String, long[]> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT child_table, sum(rows_cached), sum(rows_deleted)"
                + " FROM " + SCHEMA + ".control WHERE run_id = ? AND strategy = 'delete' GROUP BY child_table")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return out;
    }

    /** Status of every run of the job, oldest first. */
    public static List<String> runStatuses(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id || ':' || status FROM " + SCHEMA
                + ".run WHERE job = ? ORDER BY run_id")) {
            ps.setString(1, JOB);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Waits until at least {@code n} sessions of this database wait for a lock; fails at once if one of the
     * {@code commands} (running in the background) ends meanwhile, showing its output.
     */
    public void awaitLockWaiters(int n, Future<?>... commands) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        try (Connection c = connect(); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
                    rs.next();
                    if (rs.getInt(1) >= n) {
                        return;
                    }
                }
                for (Future<?> command : commands) {
                    if (command.isDone()) {
                        throw new AssertionError("the command ended before " + n + " sessions waited for a lock: "
                                + command.get());
                    }
                }
                if (Instant.now().isAfter(until)) {
                    throw new AssertionError("no " + n + " sessions waiting for a lock after 30 s");
                }
                Thread.sleep(10);
            }
        }
    }

    @Override
    public void close() throws Exception {
        PostgresLocator.Server server = TestDatabase.server();
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
