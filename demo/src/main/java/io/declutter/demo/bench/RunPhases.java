package io.declutter.demo.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a {@code declutter run}'s wall time went, from {@code declutter.log} (one row per unit of work, each its own
 * transaction; docs/design.md): units, rows and time per kind of unit (cache steps, catch-up probes, delete batches,
 * the check of foreign keys, begin and end), and the part of the wall time no log row covers. Shared by the main
 * benchmark's report (both declutter methods) and the wide scenario's.
 */
public final class RunPhases {

    /** One phase of the run: units of work of one kind (from declutter.log), or the runner's own time. */
    public record Phase(String name, long units, long rows, Duration time) {
    }

    static final String BEFORE = "before the run's first log row: the command starting, connecting, checking the"
            + " deployment, beginning the run";
    static final String BETWEEN = "between the log rows: the runner's statements and round trips between step calls,"
            + " and inside the step calls what no log row covers (the dispatch, each procedure compiled and each"
            + " statement planned at its first call in the session, the foreign-key check before the first delete)";
    static final String AFTER = "after the run's last log row: the command ending";

    private RunPhases() {
    }

    /**
     * The last run's phases in the order they first ran, then the rest of the run's wall time (from {@code start}
     * to {@code end}, taken by the caller around the command), split at the first and last log rows (the server's
     * clock: the benchmark runs on the server's machine).
     */
    static List<Phase> of(BenchDatabase db, Instant start, Instant end) throws Exception {
        List<Phase> phases = new ArrayList<>();
        long logged = 0;
        String run = " FROM declutter.log WHERE run_id = (SELECT max(run_id) FROM declutter.run)";
        Instant first;
        Instant last;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT action, count(*), COALESCE(sum(rows), 0),"
                    + " COALESCE(sum(extract(epoch FROM ended_at - started_at)), 0)" + run
                    + " GROUP BY action ORDER BY min(log_id)")) {
                while (rs.next()) {
                    Duration d = Duration.ofNanos(Math.round(rs.getDouble(4) * 1e9));
                    phases.add(new Phase(rs.getString(1), rs.getLong(2), rs.getLong(3), d));
                    logged += d.toNanos();
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT min(started_at), max(ended_at)" + run)) {
                rs.next();
                first = rs.getObject(1) == null ? end : rs.getObject(1, OffsetDateTime.class).toInstant();
                last = rs.getObject(2) == null ? end : rs.getObject(2, OffsetDateTime.class).toInstant();
            }
        }
        long wall = Duration.between(start, end).toNanos();
        long before = clamp(Duration.between(start, first).toNanos(), wall);
        long after = clamp(Duration.between(last, end).toNanos(), wall - before);
        phases.add(new Phase(BEFORE, 0, 0, Duration.ofNanos(before)));
        phases.add(new Phase(BETWEEN, 0, 0, Duration.ofNanos(Math.max(0, wall - logged - before - after))));
        phases.add(new Phase(AFTER, 0, 0, Duration.ofNanos(after)));
        return phases;
    }

    private static long clamp(long nanos, long max) {
        return Math.max(0, Math.min(nanos, max));
    }

    /** The phase that took the longest (the uncovered rest included). */
    static Phase largest(List<Phase> phases) {
        return phases.stream().max(java.util.Comparator.comparing(Phase::time)).orElseThrow();
    }

    /** A Markdown table: phase, units, rows, time and its share of {@code run}. */
    static void table(StringBuilder s, List<Phase> phases, Duration run) {
        s.append("| phase | units | rows | time | share of the run |\n|---|---:|---:|---:|---:|\n");
        for (Phase p : phases) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f%% |\n", p.name(),
                    p.units() == 0 ? "" : String.format(Locale.ROOT, "%,d", p.units()),
                    p.units() == 0 ? "" : String.format(Locale.ROOT, "%,d", p.rows()), ms(p.time()),
                    100.0 * p.time().toNanos() / Math.max(1, run.toNanos())));
        }
        s.append('\n');
    }

    static String ms(Duration d) {
        return d.toMillis() < 10_000 ? String.format(Locale.ROOT, "%,d ms", d.toMillis()) : Benchmark.dur(d);
    }
}
