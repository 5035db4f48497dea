package io.declutter.demo.bench;

import io.declutter.localdb.PostgresLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.declutter.localdb.StandbyPair;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark: loads the synthetic database once, then purges the same closed tenants with each method, every
 * method on its own fresh copy of the loaded database, and checks that every method that finished left exactly the
 * rows the floor left. Optionally the scaling checks: the same purge on a database four times smaller (the main
 * database holds the same tenants, with the same rows, and three times more), and purges of other sizes.
 */
public final class Benchmark {

    private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);

    /** The options of a run (see {@code declutter bench --help}). */
    public record Options(double scale, long seed, double purgePercent, Duration cap, boolean scaling,
                          List<Double> scalingPercents, int batchSize, int threads, Path work, String command,
                          Optional<Path> jailer, int repeat) {

        public Options {
            if (repeat < 1) {
                throw new IllegalArgumentException("repeat must be at least 1, not " + repeat);
            }
        }
    }

    /** One measured purge. */
    public record Measurement(String method, String description, boolean capped, boolean finished, long rowsDeleted,
                              long rowsProcessed, long rowsToPurge, Duration wall, Duration longest, long walBytes,
                              long backupBytes, String sameAsFloor, String prepared, String note) {

        /** Rows per second: deleted rows over wall time (a capped run: rows it got through over the cap). */
        public double rate() {
            long rows = finished ? rowsDeleted : rowsProcessed;
            return rows / Math.max(1e-9, wall.toNanos() / 1e9);
        }

        /** Wall time, or for a capped run the time the whole purge would take at its rate. */
        public Duration estimatedTotal() {
            if (finished) {
                return wall;
            }
            double r = rate();
            return r <= 0 ? null : Duration.ofMillis(Math.round(rowsToPurge / r * 1000));
        }
    }

    /** A purge on one database of the scaling checks. */
    public record ScalingRun(String label, double scale, long databaseRows, double percent, int tenants,
                             Measurement declutter, Measurement floor) {
    }

    /** Everything the report shows. */
    public record Result(Options options, Map<String, String> machine, long databaseRows, long databaseBytes,
                         int tables, int tenants, List<Long> purgedTenants, long rowsToPurge, Duration loadTime,
                         List<Measurement> methods, Duration declutterDeploy, Duration declutterRehearsal,
                         List<String> planFindings,
                         List<ScalingRun> scaling, Map<String, List<RunPhases.Phase>> phases,
                         String profileSettings, List<Profiler.MethodProfile> profiles, List<String> problems,
                         Duration total, Optional<String> jailerNotRun, Map<String, List<Duration>> rounds) {
    }

    /** Why the Jailer row has no measurement when {@code --jailer} is not given. */
    static final String JAILER_NOT_GIVEN = "not run: give `--jailer DIR`, a Jailer installation (its release zip"
            + " unpacked; docs/benchmark.md#jailer)";

    private final PostgresLocator.Server server;
    private final Options options;
    private final PrintWriter out;
    private final String prefix;
    private final List<String> problems = new ArrayList<>();
    private final Profiler profiler;
    private final List<Profiler.MethodProfile> profiles = new ArrayList<>();

    public Benchmark(PostgresLocator.Server server, Options options, PrintWriter out) {
        this(server, options, out, null);
    }

    /** @param profiler null, or the --profile run's (its private server is {@code server}) */
    Benchmark(PostgresLocator.Server server, Options options, PrintWriter out, Profiler profiler) {
        this.server = server;
        this.profiler = profiler;
        this.options = options;
        this.out = out;
        this.prefix = "declutter_bench_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .substring(0, 6);
    }

    /**
     * {@code bench --profile} (docs/benchmark.md#profile): the same benchmark on a private server of its own
     * (initdb'd on a free port, removed afterwards) with pg_stat_statements and auto_explain preloaded and the memory
     * settings of {@code shared}, the server it would otherwise run on.
     */
    public static Result profiled(PostgresLocator.Server shared, Options options, PrintWriter out) throws Exception {
        Map<String, String> memory = Profiler.memorySettings(shared);
        try (StandbyPair pg = StandbyPair.startPrimaryOnly(Profiler.settings(memory))) {
            Profiler profiler = new Profiler(pg.primary(), pg.primaryLog(), memory);
            out.println("Profiling on a private server (" + pg.primaryUrl("postgres") + "; " + profiler.describe() + ")");
            return new Benchmark(pg.primary(), options, out, profiler).run();
        }
    }

    public Result run() throws Exception {
        long start = System.nanoTime();
        if (profiler != null) {
            profiler.install();
        }
        SyntheticSchema schema = new SyntheticSchema(options.seed(), options.scale());
        say("Loading the synthetic SaaS database: scale " + fmt(options.scale()) + ", seed " + options.seed() + ", "
                + schema.tenants() + " tenants, " + schema.tableNames().size() + " tables");
        long t0 = System.nanoTime();
        BenchDatabase main = BenchDatabase.load(server, prefix + "_main", schema, options.threads(), this::say);
        List<BenchDatabase> toDrop = new ArrayList<>(List.of(main));
        try {
            Duration load = Duration.ofNanos(System.nanoTime() - t0);
            long dbBytes = size(main);
            Map<Long, Long> perTenant = main.rowsPerTenant();
            List<Long> purged = choose(perTenant, main.totalRows(), options.purgePercent(), options.seed());
            main.closeTenants(purged);
            Fingerprint before = Fingerprint.of(main, options.threads());
            long rowsToPurge = purged.stream().mapToLong(perTenant::get).sum();
            say(String.format(Locale.ROOT, "%,d rows (%s) in %.0f s; the purge closes %d of %d tenants: %,d rows (%.1f%%)",
                    before.rows(), bytes(dbBytes), load.toMillis() / 1000.0, purged.size(), perTenant.size(),
                    rowsToPurge, 100.0 * rowsToPurge / before.rows()));

            Purge purge = new Purge(server, purged, options.cap(), options.batchSize(), options.work());
            List<PurgeMethod> order = new ArrayList<>();
            FloorMethod floor = new FloorMethod();
            DeclutterMethod withBackup = new DeclutterMethod(true);
            DeclutterMethod withoutBackup = new DeclutterMethod(false);
            order.add(floor);
            order.add(withBackup);
            order.add(withoutBackup);
            order.add(new RowCascadeMethod());
            order.add(new OrmLoopMethod());
            order.add(new NativeCascadeMethod());
            Fingerprint reference = null;
            List<Measurement> results = new ArrayList<>();
            Map<PurgeMethod, Rounds> rounds = new java.util.LinkedHashMap<>();
            for (PurgeMethod m : order) {
                Measured r = measure(main, m, purge, rowsToPurge, before.rows(), reference, profiler != null);
                if (m == floor) {
                    reference = r.after;
                    if (r.m.rowsDeleted() != rowsToPurge) {
                        problems.add("the floor deleted " + r.m.rowsDeleted() + " rows, the layout says " + rowsToPurge);
                    }
                }
                results.add(r.m);
                if (!m.capped()) {
                    rounds.put(m, new Rounds(r.m, m instanceof DeclutterMethod d ? d.phases() : List.of()));
                }
            }
            // --repeat (docs/benchmark.md#options): further rounds of the uncapped methods, in the same order each
            // round, so that what drifts on the machine meets them all; each is reported by its median round
            for (int round = 2; round <= options.repeat(); round++) {
                say("Round " + round + " of " + options.repeat() + " of the uncapped methods");
                for (Map.Entry<PurgeMethod, Rounds> e : rounds.entrySet()) {
                    Measured r = measure(main, e.getKey(), purge, rowsToPurge, before.rows(), reference, false);
                    e.getValue().add(r.m, e.getKey() instanceof DeclutterMethod d ? d.phases() : List.of());
                }
            }
            for (int i = 0; i < order.size(); i++) {
                Rounds r = rounds.get(order.get(i));
                if (r != null) {
                    results.set(i, r.median());
                }
            }
            // report order: as the issue lists them
            List<Measurement> reported = new ArrayList<>(List.of(results.get(1), results.get(2), results.get(0),
                    results.get(3), results.get(4), results.get(5)));
            Optional<String> jailerNotRun = Optional.of(JAILER_NOT_GIVEN);
            if (options.jailer().isPresent()) {
                // last, and apart: a Jailer that fails costs its row, not the other methods' results
                try {
                    reported.add(measure(main, new JailerMethod(options.jailer().get()), purge, rowsToPurge,
                            before.rows(), reference, profiler != null).m);
                    jailerNotRun = Optional.empty();
                } catch (Exception e) {
                    LOG.warn("Jailer failed", e);
                    String why = String.valueOf(e.getMessage());
                    say("   Jailer failed: " + why);
                    jailerNotRun = Optional.of("failed: " + why.lines().findFirst().orElse("") + " (more in the output)");
                    problems.add("Jailer failed: " + why.lines().findFirst().orElse(""));
                }
            }

            List<ScalingRun> scaling = new ArrayList<>();
            if (options.scaling()) {
                scaling = scaling(main, perTenant, before.rows(), toDrop);
            }
            Map<String, List<RunPhases.Phase>> phases = new java.util.LinkedHashMap<>();
            phases.put(withBackup.title(), rounds.get(withBackup).medianPhases());
            phases.put(withoutBackup.title(), rounds.get(withoutBackup).medianPhases());
            Map<String, List<Duration>> walls = new java.util.LinkedHashMap<>();
            if (options.repeat() > 1) {
                rounds.forEach((m, r) -> walls.put(m.title(), r.walls()));
            }
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            say(String.format(Locale.ROOT, "Benchmark done in %.0f s", total.toMillis() / 1000.0));
            return new Result(options, machine(main), before.rows(), dbBytes, schema.tableNames().size(),
                    perTenant.size(), purged, rowsToPurge, load, reported, withBackup.deployTime(), withBackup.rehearsalTime(),
                    withBackup.unindexedFindings(), scaling, phases,
                    profiler == null ? null : profiler.describe(), List.copyOf(profiles), problems, total,
                    jailerNotRun, walls);
        } finally {
            for (BenchDatabase db : toDrop) {
                db.drop();
            }
        }
    }

    /**
     * The scaling checks run on a database four times smaller than the main one (scale / 4, loaded with the same
     * seed: its tenants are the first tenants of the main database, row for row): the same purge on both, then purges
     * of other sizes on the small one (at the default scale, a 50% purge of the main database alone would take most of
     * the time budget of the whole benchmark).
     */
    private List<ScalingRun> scaling(BenchDatabase main, Map<Long, Long> perTenant, long mainRows,
                                     List<BenchDatabase> toDrop) throws Exception {
        List<ScalingRun> runs = new ArrayList<>();
        double small = options.scale() / 4;
        SyntheticSchema smallSchema = new SyntheticSchema(options.seed(), small);
        say("Scaling: loading the same database at scale " + fmt(small) + " (" + smallSchema.tenants()
                + " tenants: the first tenants of the main database, with the same rows)");
        BenchDatabase base = BenchDatabase.load(server, prefix + "_quarter", smallSchema, options.threads(), this::say);
        toDrop.add(base);
        Map<Long, Long> basePerTenant = base.rowsPerTenant();
        long baseRows = base.totalRows();
        List<Long> tenants = choose(basePerTenant, baseRows, options.purgePercent(), options.seed());
        long rows = tenants.stream().mapToLong(basePerTenant::get).sum();
        for (long t : tenants) {
            if (!basePerTenant.get(t).equals(perTenant.get(t))) {
                problems.add("tenant " + t + " differs between scale " + fmt(small) + " and " + fmt(options.scale()));
            }
        }
        base.closeTenants(tenants);
        runs.add(scalingRun("the purge, on a database 4 times smaller", small, base, baseRows, tenants, rows));
        main.closeTenants(tenants);
        runs.add(scalingRun("the same purge, database 4 times larger", options.scale(), main, mainRows, tenants, rows));
        for (double p : options.scalingPercents()) {
            List<Long> set = choose(basePerTenant, baseRows, p, options.seed());
            long r = set.stream().mapToLong(basePerTenant::get).sum();
            base.closeTenants(set);
            runs.add(scalingRun("purge " + fmt(p) + "% of the rows", small, base, baseRows, set, r));
        }
        return runs;
    }

    private ScalingRun scalingRun(String label, double scale, BenchDatabase db, long dbRows, List<Long> tenants,
                                  long rows) throws Exception {
        say("Scaling: " + label + String.format(Locale.ROOT, " (%,d of %,d rows)", rows, dbRows));
        Purge purge = new Purge(server, tenants, options.cap(), options.batchSize(), options.work());
        Measured floor = measure(db, new FloorMethod(), purge, rows, dbRows, null, false);
        Measured decl = measure(db, new DeclutterMethod(true), purge, rows, dbRows, floor.after, false);
        return new ScalingRun(label, scale, dbRows, 100.0 * rows / dbRows, tenants.size(), decl.m, floor.m);
    }

    private record Measured(Measurement m, Fingerprint after) {
    }

    /** The rounds of one method (--repeat): its measurements in order, and the phases of each declutter run. */
    private static final class Rounds {
        private final List<Measurement> measurements = new ArrayList<>();
        private final List<List<RunPhases.Phase>> phases = new ArrayList<>();

        Rounds(Measurement first, List<RunPhases.Phase> firstPhases) {
            add(first, firstPhases);
        }

        void add(Measurement m, List<RunPhases.Phase> p) {
            measurements.add(m);
            phases.add(p);
        }

        List<Duration> walls() {
            return measurements.stream().map(Measurement::wall).toList();
        }

        /** The round of the median wall time (of an even number, the lower middle one; ties: the earlier round). */
        private int medianIndex() {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < measurements.size(); i++) {
                idx.add(i);
            }
            idx.sort(Comparator.comparing((Integer i) -> measurements.get(i).wall()).thenComparing(i -> i));
            return idx.get((idx.size() - 1) / 2);
        }

        Measurement median() {
            return measurements.get(medianIndex());
        }

        List<RunPhases.Phase> medianPhases() {
            return phases.get(medianIndex());
        }
    }

    private Measured measure(BenchDatabase template, PurgeMethod method, Purge purge, long rowsToPurge,
                             long rowsBefore, Fingerprint reference, boolean profiled) throws Exception {
        say("== " + method.title() + ": copying the database");
        BenchDatabase copy = template.copy(prefix + "_run");
        try {
            String prepared = method.prepare(copy, purge);
            if (prepared != null) {
                say("   " + prepared);
            }
            boolean profile = profiled && !method.capped(); // the capped methods' statements: one per row, known
            if (profile) {
                profiler.reset(copy);
            }
            long lsn0 = walLsn(copy);
            long t0 = System.nanoTime();
            PurgeMethod.Outcome o = method.run(copy, purge);
            Duration wall = Duration.ofNanos(System.nanoTime() - t0);
            long wal = walLsn(copy) - lsn0;
            if (profile) {
                profiles.add(profiler.collect(method.title(), copy, method instanceof DeclutterMethod));
            }
            Fingerprint after = Fingerprint.of(copy, options.threads());
            long deleted = rowsBefore - after.rows();
            String same;
            if (reference == null) {
                same = "reference";
            } else if (!o.finished()) {
                same = "not compared (capped)";
            } else {
                List<String> diff = after.differences(reference).stream().map(t -> t + " ("
                        + String.format(Locale.ROOT, "%,d rows left, the floor %,d", after.tables().get(t).rows(),
                        reference.tables().get(t).rows()) + ")").toList();
                same = diff.isEmpty() ? "yes" : "NO: " + String.join(", ", diff.subList(0, Math.min(5, diff.size())))
                        + (diff.size() > 5 ? " and " + (diff.size() - 5) + " more" : "");
                if (!diff.isEmpty()) {
                    problems.add(method.title() + " left different rows than the floor in " + diff.size() + " tables: "
                            + diff);
                }
            }
            if (o.finished() && deleted != rowsToPurge) {
                problems.add(method.title() + " deleted " + deleted + " rows, expected " + rowsToPurge);
            }
            Measurement m = new Measurement(method.title(), method.description(), method.capped(), o.finished(), deleted,
                    o.rowsProcessed() < 0 ? deleted : o.rowsProcessed(), rowsToPurge, wall, o.longest(), wal,
                    o.backupBytes(), same, prepared, o.note());
            say(String.format(Locale.ROOT, "   %,d rows deleted in %.1f s: %,.0f rows/s%s; longest transaction %.1f s;"
                            + " WAL %s; same rows as the floor: %s", deleted, wall.toMillis() / 1000.0, m.rate(),
                    o.finished() ? "" : " (capped; would take " + dur(m.estimatedTotal()) + ")",
                    o.longest().toMillis() / 1000.0, bytes(wal), same));
            return new Measured(m, after);
        } finally {
            copy.drop();
        }
    }

    /** Tenants in a fixed pseudo-random order (from the seed), taken until they hold the given share of the rows. */
    static List<Long> choose(Map<Long, Long> perTenant, long totalRows, double percent, long seed) {
        List<Long> ids = new ArrayList<>(perTenant.keySet());
        ids.sort(Comparator.comparingLong((Long t) -> new SplittableRandom(seed * 1_000_003L + t).nextLong())
                .thenComparing(t -> t));
        List<Long> chosen = new ArrayList<>();
        long rows = 0;
        double target = totalRows * percent / 100.0;
        for (long t : ids) {
            if (rows >= target) {
                break;
            }
            // skip a tenant that would overshoot the target by more than it helps (keeps small purges small)
            long n = perTenant.get(t);
            if (rows + n - target > target - rows) {
                continue;
            }
            chosen.add(t);
            rows += n;
        }
        if (chosen.isEmpty()) { // every tenant is larger than twice the target: the smallest one
            ids.stream().min(Comparator.comparingLong((Long t) -> perTenant.get(t)).thenComparing(t -> t))
                    .ifPresent(chosen::add);
        }
        return chosen;
    }

    private static long walLsn(BenchDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long size(BenchDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<String, String> machine(BenchDatabase db) throws Exception {
        return Machine.describe(db, List.of("shared_buffers", "work_mem", "max_wal_size", "synchronous_commit", "wal_level",
                    "full_page_writes", "max_parallel_workers_per_gather"));
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static String bytes(long b) {
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f kB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f MB", b / 1024.0 / 1024);
        }
        return String.format(Locale.ROOT, "%.2f GB", b / 1024.0 / 1024 / 1024);
    }

    static String dur(Duration d) {
        if (d == null) {
            return "?";
        }
        double s = d.toMillis() / 1000.0;
        if (s < 100) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 3600 * 2) {
            return String.format(Locale.ROOT, "%.0f s (%.0f min)", s, s / 60);
        }
        return String.format(Locale.ROOT, "%.0f s (%.1f h)", s, s / 3600);
    }
}
