package io.declutter.demo.bench;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.JobProcedures;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.WideSchema;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.TableName;
import io.declutter.model.Window;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The wide scenario (docs/benchmark.md#wide): real schemas are wide and tenants small. The {@link WideSchema} (1,000
 * tables, 3,000 foreign keys) is created and filled in a database of its own, then one small tenant (a few thousand
 * rows over most of its 900 closure tables) is purged with declutter: introspection, plan and generation (each timed
 * through the dialect API, and {@code plan} and {@code generate} as the CLI runs them), deploy, the rehearsal, and the
 * run, with the run's phases from {@code declutter.log} and the closing VACUUM (ANALYZE) timed apart. Checks that
 * every row of the tenant is gone and nothing else, and that {@code declutter verify} passes.
 */
public final class WideBenchmark {

    static final String JOB = "wide_purge";

    /** Everything the report shows. */
    public record Result(String command, Map<String, String> machine, long seed, int tables, int foreignKeys,
                         int closureTables, int tablesWithRows, long databaseRows, long purgedRows, Duration load,
                         Duration introspect, Duration plan, Duration generate, long generatedFiles,
                         long generatedBytes, Duration cliPlan, Duration cliGenerate, Duration deploy,
                         Duration rehearsal, Duration run, List<RunPhases.Phase> phases, Duration vacuum, String vacuumSummary,
                         int batchSize, List<String> problems, Duration total) {

        /** The run (excluding deploy, rehearsal and VACUUM) per closure table. */
        public double msPerClosureTable() {
            return run.toNanos() / 1e6 / closureTables;
        }
    }

    private final PostgresLocator.Server server;
    private final long seed;
    private final int batchSize;
    private final Path work;
    private final String command;
    private final PrintWriter out;
    private final List<String> problems = new ArrayList<>();

    public WideBenchmark(PostgresLocator.Server server, long seed, int batchSize, Path work, String command,
                         PrintWriter out) {
        this.server = server;
        this.seed = seed;
        this.batchSize = batchSize;
        this.work = work;
        this.command = command;
        this.out = out;
    }

    public Result run() throws Exception {
        long start = System.nanoTime();
        WideSchema schema = new WideSchema(seed);
        String name = "declutter_bench_wide_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .substring(0, 6);
        BenchDatabase.admin(server, "CREATE DATABASE " + name);
        BenchDatabase db = BenchDatabase.existing(server, name);
        try {
            say("Wide scenario: creating and filling " + WideSchema.TABLES + " tables, " + WideSchema.FOREIGN_KEYS
                    + " foreign keys (seed " + seed + ")");
            long t0 = System.nanoTime();
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                for (String sql : schema.ddl()) {
                    st.addBatch(sql);
                }
                for (String sql : schema.loadStatements()) {
                    st.addBatch(sql);
                }
                st.executeBatch();
                c.commit();
                c.setAutoCommit(true);
                st.execute("ANALYZE"); // as autovacuum would have, on a database in use
            }
            Duration load = since(t0);
            long rowsBefore;
            try (Connection c = db.connect()) {
                rowsBefore = schema.rowsIn(c);
            }
            say(String.format(Locale.ROOT, "   %,d rows in %s; the purge takes tenant 1: %,d rows in %d of %d closure"
                            + " tables", rowsBefore, Benchmark.dur(load), schema.purgedRows(),
                    schema.tablesWithPurgedRows().size(), schema.closureTables().size()));

            // Introspection, plan and generation through the dialect API, each timed.
            Dialect dialect = Dialects.forJdbcUrl(db.url());
            Job job = new Job(JOB, new TableName(WideSchema.SCHEMA, "tenants"), Optional.of(WideSchema.PREDICATE),
                    batchSize, true, List.of(), Duration.ofSeconds(5), Duration.ofMinutes(60));
            long t1 = System.nanoTime();
            Catalog catalog;
            try (Connection c = db.connect()) {
                catalog = dialect.readCatalog(c);
            }
            Duration introspect = since(t1);
            long t2 = System.nanoTime();
            PurgePlan plan = dialect.plan(catalog, job);
            Duration planTime = since(t2);
            long t3 = System.nanoTime();
            List<GeneratedFile> files = dialect.generate(plan, Window.ALWAYS);
            Duration generate = since(t3);
            long bytes = files.stream().filter(f -> !f.path().equals("install.sql"))
                    .mapToLong(f -> f.content().length()).sum();
            say(String.format(Locale.ROOT, "   introspection %s, plan %s, generate %s (%,d files, %s without"
                            + " install.sql)", Benchmark.dur(introspect), Benchmark.dur(planTime), Benchmark.dur(generate),
                    files.size(), Benchmark.bytes(bytes)));
            if (!plan.errors().isEmpty()) {
                problems.add("plan has errors: " + plan.errors());
            }
            if (plan.tables().size() != schema.closureTables().size()) {
                problems.add("plan has " + plan.tables().size() + " closure tables, the schema "
                        + schema.closureTables().size());
            }
            catalog = null;
            files = null;

            // The CLI, as a user runs it.
            Path dir = Files.createDirectories(work.resolve("wide"));
            Path jobFile = writeJob(dir);
            long t4 = System.nanoTime();
            DeclutterMethod.cli("plan", "-j", jobFile.toString(), "--jdbc-url", db.url());
            Duration cliPlan = since(t4);
            long t5 = System.nanoTime();
            DeclutterMethod.cli("generate", "-j", jobFile.toString(), "--jdbc-url", db.url(), "-o",
                    dir.resolve("generated").toString());
            Duration cliGenerate = since(t5);
            long t6 = System.nanoTime();
            java.io.PrintStream stdout = System.out;
            try {
                System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // Liquibase's summary
                DeclutterMethod.cli("deploy", "-j", jobFile.toString(), "--jdbc-url", db.url(), "--dir",
                        dir.resolve("generated").toString());
            } finally {
                System.setOut(stdout);
            }
            Duration deploy = since(t6);
            say(String.format(Locale.ROOT, "   declutter plan %s, generate %s, deploy %s", Benchmark.dur(cliPlan),
                    Benchmark.dur(cliGenerate), Benchmark.dur(deploy)));
            long t7 = System.nanoTime();
            DeclutterMethod.cli("plan", "-j", jobFile.toString(), "--jdbc-url", db.url(), "--rehearse");
            Duration rehearsal = since(t7);
            say("   rehearsal (plan --rehearse, apart: the job says rehearse: false) " + Benchmark.dur(rehearsal));

            long t8 = System.nanoTime();
            java.time.Instant runStart = java.time.Instant.now();
            DeclutterMethod.cli("run", "-j", jobFile.toString(), "--jdbc-url", db.url(), "--ignore-window",
                    "--no-vacuum");
            Duration run = since(t8);
            List<RunPhases.Phase> phases = RunPhases.of(db, runStart, java.time.Instant.now());
            // The VACUUM (ANALYZE) a run ends with, timed apart: the runner's own call, on the tables that lost rows.
            long t9 = System.nanoTime();
            String vacuumSummary;
            try (Connection c = db.connect()) {
                JobProcedures procs = dialect.procedures(c, job);
                long runId = lastRun(c);
                vacuumSummary = dialect.maintain(c, procs.tablesThatLostRows(runId));
            }
            Duration vacuum = since(t9);
            say(String.format(Locale.ROOT, "   run %s (%.1f ms per closure table), then VACUUM %s: %s",
                    Benchmark.dur(run), run.toNanos() / 1e6 / schema.closureTables().size(), Benchmark.dur(vacuum),
                    vacuumSummary));

            check(db, schema, rowsBefore, jobFile);
            Duration total = since(start);
            return new Result(command, Machine.describe(db, List.of("shared_buffers", "work_mem", "max_wal_size",
                    "synchronous_commit", "wal_level", "full_page_writes")), seed, schema.tables().size(),
                    schema.foreignKeyCount(), schema.closureTables().size(), schema.tablesWithPurgedRows().size(),
                    rowsBefore, schema.purgedRows(), load, introspect, planTime, generate, countFiles(dir.resolve("generated")),
                    bytes, cliPlan, cliGenerate, deploy, rehearsal, run,
                    phases, vacuum, vacuumSummary, batchSize, problems, total);
        } finally {
            db.drop();
        }
    }

    private Path writeJob(Path dir) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("job: ").append(JOB).append('\n');
        y.append("root:\n  table: ").append(WideSchema.ROOT).append("\n  where: \"").append(WideSchema.PREDICATE)
                .append("\"\n");
        y.append("batchSize: ").append(batchSize).append('\n');
        y.append("rehearse: false\n"); // rehearsed apart
        y.append("timeouts:\n  lock: 5s\n  statement: 60min\n");
        y.append("database:\n");
        server.user().ifPresent(u -> y.append("  user: ").append(u).append('\n'));
        if (server.password().isPresent()) {
            Path f = dir.resolve("password");
            Files.writeString(f, server.password().get());
            y.append("  passwordFile: ").append(f).append('\n');
        }
        Path file = dir.resolve(JOB + ".yaml");
        Files.writeString(file, y);
        return file;
    }

    private static long lastRun(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(run_id) FROM declutter.run")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of tenant 1 gone, nothing else, and {@code declutter verify} passes. */
    private void check(BenchDatabase db, WideSchema schema, long rowsBefore, Path jobFile) throws Exception {
        long left;
        long after;
        try (Connection c = db.connect()) {
            left = schema.purgedTenantRowsLeft(c);
            after = schema.rowsIn(c);
        }
        if (left != 0) {
            problems.add(left + " rows of the purged tenant are left");
        }
        if (rowsBefore - after != schema.purgedRows()) {
            problems.add("the run deleted " + (rowsBefore - after) + " rows, the tenant had " + schema.purgedRows());
        }
        try {
            DeclutterMethod.cli("verify", "-j", jobFile.toString(), "--jdbc-url", db.url());
        } catch (IllegalStateException e) {
            problems.add("declutter verify failed: " + e.getMessage());
        }
    }

    private static long countFiles(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
