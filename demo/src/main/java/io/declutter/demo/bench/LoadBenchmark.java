package io.declutter.demo.bench;

import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.StandbyPair;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark under load (docs/benchmark.md#under-load): on a primary and a streaming standby of its own, the
 * synthetic database is loaded once; an OLTP workload ({@link OltpLoad}) runs first with no purge (the idle
 * baseline), then while each method purges the closed tenants, each method on its own fresh copy: declutter
 * throttled, declutter unthrottled, the floor and native ON DELETE CASCADE. For each: the workload's throughput,
 * latency and errors, the standby's largest lag, the purge's time and whether it is complete.
 */
public final class LoadBenchmark {

    /** The lag limit of the throttled declutter (its {@code maxReplicaLagBytes}). */
    static final long LAG_LIMIT_BYTES = 16L << 20;

    /** The primary's settings: the server's defaults but for a larger cache and WAL, as on a real primary. */
    static final List<String> PRIMARY_SETTINGS = List.of("shared_buffers = 256MB", "max_wal_size = 4GB",
            "checkpoint_timeout = 15min", "max_connections = 100");

    /** The options of a run (see {@code declutter bench --help}). */
    public record Options(double scale, long seed, double purgePercent, int batchSize, int clients, Duration idle,
                          int threads, Path work, String command) {
    }

    /**
     * One phase: the workload alone (method "idle") or while a method purged.
     *
     * @param purgeTime       the purge's wall time (the workload ran as long); for idle, the time the workload ran
     * @param outcome         "complete", or why not
     * @param largestUnitWal  WAL written between the ends of two units of work, the largest (declutter throttled
     *                        only, else -1): the allowance of the lag bound
     * @param holds           for declutter, how often and how long its throttle held (from its log), else ""
     */
    public record Phase(String method, String description, Duration purgeTime, String outcome, OltpLoad.Stats load,
                        long maxLagBytes, double maxLagMillis, long largestUnitWal, String holds) {

        boolean isIdle() {
            return "idle".equals(method);
        }
    }

    /** Everything the report shows. */
    public record Result(Options options, Map<String, String> machine, long databaseRows, int tables, int tenants,
                         List<Long> purgedTenants, long rowsToPurge, Duration loadTime, String throttle,
                         List<Phase> phases, List<String> problems, Duration total) {
    }

    private final Options options;
    private final PrintWriter out;
    private final String prefix;
    private final List<String> problems = new ArrayList<>();

    public LoadBenchmark(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.prefix = "declutter_load_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .substring(0, 6);
    }

    /** The throttle of "declutter, throttled": the standby's lag in time and bytes, and adaptive batches. */
    static String throttle(int batchSize) {
        return "throttle:\n  maxReplicaLag: 1s\n  maxReplicaLagBytes: 16MB\n  targetBatchTime: 200ms\n"
                + "  minBatchSize: 100\n  maxBatchSize: " + Math.max(100, batchSize) + "\n";
    }

    public Result run() throws Exception {
        long start = System.nanoTime();
        say("Starting a primary and a streaming standby (initdb, pg_basebackup) in " + StandbyPair.BIN);
        try (StandbyPair pair = StandbyPair.start(PRIMARY_SETTINGS)) {
            PostgresLocator.Server server = pair.primary();
            SyntheticSchema schema = new SyntheticSchema(options.seed(), options.scale());
            say("Loading the synthetic SaaS database: scale " + Benchmark.fmt(options.scale()) + ", seed "
                    + options.seed() + ", " + schema.tenants() + " tenants");
            long t0 = System.nanoTime();
            BenchDatabase main = BenchDatabase.load(server, prefix + "_main", schema, options.threads(), this::say);
            Duration load = Duration.ofNanos(System.nanoTime() - t0);
            Map<Long, Long> perTenant = main.rowsPerTenant();
            long rows = main.totalRows();
            List<Long> purged = Benchmark.choose(perTenant, rows, options.purgePercent(), options.seed());
            main.closeTenants(purged);
            OltpLoad.prepare(main);
            long rowsToPurge = purged.stream().mapToLong(perTenant::get).sum();
            say(String.format(Locale.ROOT, "%,d rows; the purge closes %d of %d tenants: %,d rows", rows,
                    purged.size(), perTenant.size(), rowsToPurge));
            Purge purge = new Purge(server, purged, Duration.ofHours(1), options.batchSize(), options.work());
            String throttle = throttle(options.batchSize());
            List<Phase> phases = new ArrayList<>();
            phases.add(phase(pair, main, null, purge));
            List<PurgeMethod> methods = List.of(new DeclutterMethod(true, "declutter, throttled", throttle),
                    new DeclutterMethod(true, "declutter, unthrottled", ""), new FloorMethod(),
                    new NativeCascadeMethod());
            for (PurgeMethod m : methods) {
                phases.add(phase(pair, main, m, purge));
            }
            Map<String, String> machine = machine(main);
            main.drop();
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            say(String.format(Locale.ROOT, "Benchmark under load done in %.0f s", total.toMillis() / 1000.0));
            return new Result(options, machine, rows, schema.tableNames().size(), perTenant.size(), purged,
                    rowsToPurge, load, throttle, phases, problems, total);
        }
    }

    /** The workload alone ({@code method} null, for {@code --idle}) or while the method purges, on a fresh copy. */
    private Phase phase(StandbyPair pair, BenchDatabase main, PurgeMethod method, Purge purge) throws Exception {
        String title = method == null ? "idle" : method.title();
        say("== " + title + ": copying the database");
        BenchDatabase copy = main.copy(prefix + "_run");
        try {
            if (method != null) {
                String prepared = method.prepare(copy, purge);
                if (prepared != null) {
                    say("   " + prepared);
                }
            }
            boolean throttled = method instanceof DeclutterMethod && title.contains("throttled")
                    && !title.contains("unthrottled");
            if (throttled) {
                markUnitEnds(copy);
            }
            OltpLoad.Targets targets;
            try (Connection c = copy.connect()) {
                targets = OltpLoad.Targets.read(c, 20_000);
            }
            awaitStandby(pair);
            String startLsn = lsn(copy);
            String outcome = "complete";
            Duration wall;
            OltpLoad.Stats stats;
            try (LagMonitor lag = new LagMonitor(pair); OltpLoad load = new OltpLoad(copy, targets, options.clients(),
                    options.seed())) {
                lag.start();
                load.start();
                long t0 = System.nanoTime();
                if (method == null) {
                    Thread.sleep(options.idle().toMillis());
                } else {
                    try {
                        method.run(copy, purge);
                    } catch (Exception e) {
                        outcome = "failed: " + firstLine(e.getMessage());
                    }
                }
                wall = Duration.ofNanos(System.nanoTime() - t0);
                stats = load.stop();
                lag.stop();
                if (method != null && outcome.equals("complete")) {
                    outcome = completeness(copy, method);
                }
                if (!outcome.equals("complete") && method instanceof DeclutterMethod) {
                    problems.add(title + ": " + outcome);
                }
                long unit = throttled ? largestUnit(copy, startLsn) : -1;
                String holds = method instanceof DeclutterMethod ? holds(copy) : "";
                Phase p = new Phase(title, method == null ? "the workload alone, no purge" : method.description(),
                        wall, method == null ? "" : outcome, stats, lag.maxBytes(), lag.maxMillis(), unit, holds);
                say(String.format(Locale.ROOT, "   %s in %.1f s; OLTP %,.0f tx/s, p99 %.1f ms, max %.1f ms;"
                                + " errors on live tenants %d; inserts under purged tenants: %d failed, %d committed;"
                                + " standby lag up to %s / %.0f ms", method == null ? "ran" : outcome,
                        wall.toMillis() / 1000.0, stats.perSecond(), stats.latency().getValueAtPercentile(99) / 1000.0,
                        stats.latency().getMaxValue() / 1000.0, stats.liveErrors(),
                        stats.purgedFailures().values().stream().mapToLong(Long::longValue).sum(),
                        stats.purgedInserted(), Benchmark.bytes(lag.maxBytes()), lag.maxMillis()));
                if (!holds.isEmpty()) {
                    say("   " + holds);
                }
                if (stats.firstError() != null) {
                    say("   first unexpected client error: " + firstLine(stats.firstError()));
                }
                return p;
            }
        } finally {
            copy.drop();
        }
    }

    /**
     * What a purge left: complete when no closed tenant is left (every row that references one, transitively, then is
     * gone too: the foreign keys say so) and, for declutter, {@code declutter verify} passes.
     */
    private static String completeness(BenchDatabase db, PurgeMethod method) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Purge.ROOT + " WHERE " + Purge.PREDICATE)) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return "incomplete: " + rs.getLong(1) + " closed tenants left";
            }
        }
        if (method instanceof DeclutterMethod d) {
            try {
                d.verify(db);
            } catch (IllegalStateException e) {
                return "verify failed: " + firstLine(e.getMessage());
            }
        }
        return "complete";
    }

    /**
     * The WAL position at the end of every unit of work of a declutter run: a deferred trigger on its log (every unit
     * writes to it in its own transaction) notes it at commit, into an unlogged table, which writes no WAL. The
     * largest difference of two is what the lag may exceed its limit by (docs/throttle.md#holds).
     */
    private static void markUnitEnds(BenchDatabase db) throws Exception {
        db.execute("CREATE UNLOGGED TABLE bench.unit_ends (lsn pg_lsn NOT NULL);"
                + " CREATE FUNCTION bench.note_unit_end() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " INSERT INTO bench.unit_ends VALUES (pg_current_wal_insert_lsn()); RETURN NULL; END $$;"
                + " CREATE CONSTRAINT TRIGGER note_unit_end AFTER INSERT ON declutter.log DEFERRABLE INITIALLY DEFERRED"
                + " FOR EACH ROW EXECUTE FUNCTION bench.note_unit_end()");
    }

    private static long largestUnit(BenchDatabase db, String startLsn) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT COALESCE(max(d), 0) FROM"
                + " (SELECT pg_wal_lsn_diff(lsn, lag(lsn, 1, ?::pg_lsn) OVER (ORDER BY lsn))::bigint AS d"
                + " FROM bench.unit_ends) AS u")) {
            ps.setString(1, startLsn);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** How often and how long a declutter run held, from its log (docs/throttle.md#holds). */
    private static String holds(BenchDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*), COALESCE(sum(EXTRACT(EPOCH FROM ended_at - started_at)), 0) FROM declutter.log"
                        + " WHERE action IN ('hold', 'held')")) {
            rs.next();
            return String.format(Locale.ROOT, "held %d times, %.1f s in all", rs.getLong(1), rs.getDouble(2));
        }
    }

    private static String lsn(BenchDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Waits until the standby has replayed what the copy and the previous phase wrote, so no phase inherits lag. */
    private static void awaitStandby(StandbyPair pair) throws Exception {
        String lsn;
        try (Connection c = pair.connectPrimary("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            lsn = rs.getString(1);
        }
        pair.awaitTrue(pair.primaryUrl("postgres"), "SELECT COALESCE(bool_and(replay_lsn >= '" + lsn
                + "'::pg_lsn), false) FROM pg_stat_replication", Duration.ofMinutes(10),
                "the standby replays up to " + lsn);
    }

    private Map<String, String> machine(BenchDatabase db) throws Exception {
        return Machine.describe(db, List.of("shared_buffers", "max_wal_size", "synchronous_commit", "fsync", "autovacuum",
                    "full_page_writes"));
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
