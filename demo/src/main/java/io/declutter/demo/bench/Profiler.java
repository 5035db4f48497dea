package io.declutter.demo.bench;

import io.declutter.localdb.PostgresLocator;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench --profile} (docs/benchmark.md#profile): the benchmark runs on a private server started with
 * pg_stat_statements and auto_explain preloaded ({@link #settings}); before each method's timed purge the statement
 * statistics are reset, after it this reads the method's top statements (pg_stat_statements, nested statements
 * included), its top PL/pgSQL functions and procedures (pg_stat_user_functions, {@code track_functions = 'pl'}) and
 * the plans auto_explain wrote to the server log during the purge (EXPLAIN (ANALYZE, BUFFERS, WAL) of every statement
 * slower than {@link #SLOW_MS}).
 */
final class Profiler {

    /** auto_explain's threshold: high enough that only the slow statements are logged, not every batch's small ones. */
    static final int SLOW_MS = 100;

    /** The memory settings copied from the server the benchmark would otherwise use, so both run alike. */
    static final List<String> MEMORY = List.of("shared_buffers", "work_mem", "maintenance_work_mem",
            "effective_cache_size", "max_wal_size", "wal_buffers");

    private static final int TOP_STATEMENTS = 12;
    private static final int TOP_FUNCTIONS = 10;
    private static final int PLANS = 3;
    private static final int PLAN_LINES = 60;
    private static final Pattern ENTRY = Pattern.compile(
            "^\\S+ \\S+ \\S+ \\[\\d+\\] (\\S*) ?LOG:  duration: ([0-9.]+) ms  plan:$");

    /** One statement of pg_stat_statements (toplevel: run by the client, else nested in a function or trigger). */
    record Stmt(String query, boolean toplevel, long calls, double totalMs, double meanMs, long rows, long hit,
                long read, long walBytes) {
    }

    /** One function or procedure of pg_stat_user_functions. */
    record Function(String name, long calls, double totalMs, double selfMs) {
    }

    /** One plan auto_explain logged. */
    record Plan(double ms, String text) {
    }

    /** The statements the foreign keys' triggers ran, summed (pg_stat_statements sees them as nested). */
    record Group(String name, long statements, long calls, double totalMs, long rows, long walBytes) {
    }

    /** What one method's purge did on the server; sessions and transactions from pg_stat_database. */
    record MethodProfile(String method, List<Stmt> statements, double toplevelMs, List<Group> foreignKeys,
                         long sessions, long commits, long rollbacks, Wal wal, List<Function> functions,
                         List<Plan> plans, int slowStatements) {
    }

    /** pg_stat_wal's counters over the purge (server-wide: on the private server, the purge and the benchmark). */
    record Wal(long records, long bytes, long writes, long syncs, double writeMs, double syncMs) {
    }

    private final PostgresLocator.Server server;
    private final Path serverLog;
    private final Map<String, String> memory;
    private long logOffset;
    private long[] databaseBefore;
    private Wal walBefore;

    /**
     * @param server    the private server started with {@link #settings}
     * @param serverLog its log, where auto_explain writes
     * @param memory    the memory settings it was given ({@link #MEMORY}), for the report
     */
    Profiler(PostgresLocator.Server server, Path serverLog, Map<String, String> memory) {
        this.server = server;
        this.serverLog = serverLog;
        this.memory = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(memory));
    }

    /** Reads {@link #MEMORY} from a server (the shared one the benchmark uses without --profile). */
    static Map<String, String> memorySettings(PostgresLocator.Server from) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        try (Connection c = from.connect(from.adminUrl());
             PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            for (String name : MEMORY) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    m.put(name, rs.getString(1));
                }
            }
        }
        return m;
    }

    /** The private server's postgresql.conf lines: the profiling libraries and their settings, then the memory. */
    static List<String> settings(Map<String, String> memory) {
        List<String> conf = new ArrayList<>(List.of(
                "shared_preload_libraries = 'pg_stat_statements,auto_explain'",
                "pg_stat_statements.track = all", // statements inside procedures, functions and RI triggers too
                "pg_stat_statements.max = 10000",
                "track_functions = 'pl'",
                "track_io_timing = on",
                "track_wal_io_timing = on", // pg_stat_wal: the time of the WAL flushes the commits wait for
                "auto_explain.log_min_duration = '" + SLOW_MS + "ms'",
                "auto_explain.log_analyze = on",
                "auto_explain.log_buffers = on",
                "auto_explain.log_wal = on",
                "auto_explain.log_nested_statements = on",
                "auto_explain.log_triggers = on", // the foreign keys' RI triggers fired by a DELETE, with their time
                "log_line_prefix = '%m [%p] %d '"));
        memory.forEach((k, v) -> conf.add(k + " = '" + v + "'"));
        return conf;
    }

    /** The settings as the report states them. */
    String describe() {
        List<String> m = new ArrayList<>();
        memory.forEach((k, v) -> m.add(k + " = " + v));
        return String.join(", ", m);
    }

    /** Creates pg_stat_statements in the server's admin database, where the statistics are read. */
    void install() throws Exception {
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    /**
     * Before a purge on {@code db}: the statement statistics and the database's function statistics emptied (the
     * rehearsal ran the same procedures on it), the log read from here on.
     */
    void reset(BenchDatabase db) throws Exception {
        // A session's statistics reach the shared statistics when it ends; the preparation's sessions just closed.
        Thread.sleep(1000);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_reset()");
        }
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_statements_reset()");
        }
        databaseBefore = database(db.name());
        walBefore = wal();
        logOffset = Files.exists(serverLog) ? Files.size(serverLog) : 0;
    }

    private Wal wal() throws Exception {
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT wal_records, wal_bytes, wal_write, wal_sync, wal_write_time,"
                     + " wal_sync_time FROM pg_stat_wal")) {
            rs.next();
            return new Wal(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5),
                    rs.getDouble(6));
        }
    }

    /** Sessions, commits and rollbacks so far in {@code database}. */
    private long[] database(String database) throws Exception {
        try (Connection c = server.connect(server.adminUrl());
             PreparedStatement ps = c.prepareStatement("SELECT sessions, xact_commit, xact_rollback"
                     + " FROM pg_stat_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[3];
            }
        }
    }

    /**
     * After a purge on {@code db} (a fresh copy: its function statistics start empty), before anything else runs
     * there.
     *
     * @param details with the functions and the plans (the declutter methods), else the statements only
     */
    MethodProfile collect(String method, BenchDatabase db, boolean details) throws Exception {
        // A session's statistics reach the shared statistics when it ends; the purge's sessions just closed.
        Thread.sleep(1500);
        List<Stmt> statements = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        double toplevel;
        try (Connection c = server.connect(server.adminUrl())) {
            String where = " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = ?)";
            try (PreparedStatement ps = c.prepareStatement("SELECT query, toplevel, calls, total_exec_time,"
                    + " mean_exec_time, rows, shared_blks_hit, shared_blks_read, wal_bytes" + where
                    + " ORDER BY total_exec_time DESC LIMIT " + TOP_STATEMENTS)) {
                ps.setString(1, db.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        statements.add(new Stmt(shorten(rs.getString(1)), rs.getBoolean(2), rs.getLong(3),
                                rs.getDouble(4), rs.getDouble(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                                rs.getLong(9)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(sum(total_exec_time), 0)" + where
                    + " AND toplevel")) {
                ps.setString(1, db.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    toplevel = rs.getDouble(1);
                }
            }
            // The RI triggers' queries (ri_triggers.c): the checks of NO ACTION / RESTRICT keys, and the actions of
            // CASCADE / SET NULL ones.
            try (PreparedStatement ps = c.prepareStatement("SELECT g, count(*), sum(calls), sum(total_exec_time),"
                    + " sum(rows), sum(wal_bytes) FROM (SELECT *, CASE"
                    + " WHEN query LIKE 'SELECT $% FROM ONLY %FOR KEY SHARE OF x' THEN 1"
                    + " WHEN NOT toplevel AND query ~ '^(DELETE FROM|UPDATE) ONLY .* OPERATOR\\(pg_catalog\\.=\\)'"
                    + " THEN 2 END AS g" + where + ") AS s WHERE g IS NOT NULL GROUP BY g ORDER BY g")) {
                ps.setString(1, db.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        groups.add(new Group(rs.getInt(1) == 1
                                ? "foreign-key checks (NO ACTION / RESTRICT: `SELECT 1 FROM ONLY child ... FOR KEY SHARE`;"
                                        + " for NO ACTION first the same on the parent, whether the key is back)"
                                : "foreign-key actions (ON DELETE CASCADE / SET NULL: `DELETE FROM ONLY` / `UPDATE ONLY`"
                                        + " child)", rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getLong(5),
                                rs.getLong(6)));
                    }
                }
            }
        }
        long[] after = database(db.name());
        Wal w = wal();
        Wal wal = new Wal(w.records() - walBefore.records(), w.bytes() - walBefore.bytes(),
                w.writes() - walBefore.writes(), w.syncs() - walBefore.syncs(), w.writeMs() - walBefore.writeMs(),
                w.syncMs() - walBefore.syncMs());
        List<Function> functions = new ArrayList<>();
        List<Plan> plans = new ArrayList<>();
        int slow = 0;
        if (details) {
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT schemaname || '.' || funcname, calls, total_time, self_time"
                         + " FROM pg_stat_user_functions ORDER BY total_time DESC LIMIT " + TOP_FUNCTIONS)) {
                while (rs.next()) {
                    functions.add(new Function(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4)));
                }
            }
            List<Plan> logged = plans(db.name());
            slow = logged.size();
            plans = slowestDistinct(logged);
        }
        return new MethodProfile(method, statements, toplevel, groups, after[0] - databaseBefore[0],
                after[1] - databaseBefore[1], after[2] - databaseBefore[2], wal, functions, plans, slow);
    }

    /** Every plan auto_explain logged for {@code database} since {@link #reset}. */
    private List<Plan> plans(String database) throws Exception {
        if (!Files.exists(serverLog)) {
            return List.of();
        }
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(serverLog.toFile(), "r")) {
            long from = Math.min(logOffset, f.length());
            bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 16, f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
        }
        List<Plan> plans = new ArrayList<>();
        StringBuilder text = null;
        double ms = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (text != null && (line.startsWith("\t") || line.startsWith(" "))) {
                text.append(line.startsWith("\t") ? line.substring(1) : line).append('\n');
                continue;
            }
            if (text != null) {
                plans.add(new Plan(ms, text.toString()));
                text = null;
            }
            Matcher m = ENTRY.matcher(line);
            if (m.matches() && m.group(1).equals(database)) {
                ms = Double.parseDouble(m.group(2));
                text = new StringBuilder();
            }
        }
        if (text != null) {
            plans.add(new Plan(ms, text.toString()));
        }
        return plans;
    }

    /** The slowest plan of each statement (by its query text), slowest first, the first few, cut to a page. */
    static List<Plan> slowestDistinct(List<Plan> plans) {
        Map<String, Plan> byQuery = new LinkedHashMap<>();
        for (Plan p : plans) {
            String q = p.text().lines().filter(l -> l.startsWith("Query Text:")).findFirst().orElse(p.text());
            byQuery.merge(q, p, (a, b) -> a.ms() >= b.ms() ? a : b);
        }
        return byQuery.values().stream().sorted(Comparator.comparingDouble(Plan::ms).reversed()).limit(PLANS)
                .map(p -> {
                    List<String> lines = p.text().lines().toList();
                    String t = lines.size() <= PLAN_LINES ? p.text() : String.join("\n", lines.subList(0, PLAN_LINES))
                            + "\n... (" + (lines.size() - PLAN_LINES) + " more lines)\n";
                    return new Plan(p.ms(), t);
                }).toList();
    }

    /** Normalized query text on one line, cut to a table cell. */
    static String shorten(String query) {
        String q = query.replaceAll("\\s+", " ").strip().replace("|", "\\|");
        return q.length() <= 160 ? q : q.substring(0, 157) + "...";
    }
}
