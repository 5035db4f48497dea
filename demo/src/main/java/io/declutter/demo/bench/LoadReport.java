package io.declutter.demo.bench;

import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

import static io.declutter.demo.bench.Benchmark.bytes;
import static io.declutter.demo.bench.Benchmark.dur;

/** The Markdown report of a benchmark under load (docs/benchmark.md#under-load). */
public final class LoadReport {

    private LoadReport() {
    }

    /** Writes {@code <date>-postgres<major>-load.md} and {@code latest-load.md} into {@code dir}; returns the first. */
    public static Path write(LoadBenchmark.Result r, Path dir) throws Exception {
        Files.createDirectories(dir);
        String md = markdown(r);
        String major = r.machine().getOrDefault("PostgreSQL", "PostgreSQL ?").replaceAll("^PostgreSQL (\\d+).*", "$1");
        Path file = dir.resolve(LocalDate.now(ZoneOffset.UTC) + "-postgres" + major + "-load.md");
        Files.writeString(file, md);
        Files.writeString(dir.resolve("latest-load.md"), md);
        return file;
    }

    public static String markdown(LoadBenchmark.Result r) {
        StringBuilder s = new StringBuilder();
        LoadBenchmark.Options o = r.options();
        s.append("# declutter benchmark under load, ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        s.append("Command: `").append(o.command()).append("`\n\n");
        s.append("Machine: ").append(r.machine().get("CPU")).append(", ").append(r.machine().get("cores"))
                .append(" cores, ").append(r.machine().get("RAM")).append(" RAM; ").append(r.machine().get("PostgreSQL"))
                .append(" (").append(r.machine().get("settings")).append("); Java ").append(r.machine().get("Java"))
                .append(". A primary and a streaming standby started for the run on this machine (`initdb`,"
                        + " `pg_basebackup`), with the workload, the purge and the benchmark itself: other work on the"
                        + " machine during the run disturbs the numbers.\n\n");
        s.append(String.format(Locale.ROOT, "Data: scale %s, seed %d: %d tables, %,d rows (loaded in %s), %d tenants."
                        + " Purged: the %d tenants closed, %,d rows (%.1f%% of the rows), the same tenants for every"
                        + " method, each method on its own fresh copy of the loaded database. declutter batch size %d."
                        + "\n\n", Benchmark.fmt(o.scale()), o.seed(), r.tables(), r.databaseRows(), dur(r.loadTime()),
                r.tenants(), r.purgedTenants().size(), r.rowsToPurge(), 100.0 * r.rowsToPurge() / r.databaseRows(),
                o.batchSize()));
        s.append(String.format(Locale.ROOT, "Workload: %d client sessions without think time, each a loop of short"
                + " transactions (`%s`): %d%% reads on live tenants (a task and its last 20 comments), %d%% updates"
                + " of a live tenant's task, %d%% inserts on live tenants (a comment and an audit event), %d%% the same"
                + " inserts under the tenants being purged. The idle baseline runs the workload alone for %s; under"
                + " each method it runs exactly as long as the purge.\n\n", o.clients(), OltpLoad.CLIENT_SETTINGS,
                OltpLoad.Kind.READ.percent, OltpLoad.Kind.UPDATE.percent, OltpLoad.Kind.INSERT_LIVE.percent,
                OltpLoad.Kind.INSERT_PURGED.percent, dur(o.idle())));
        LoadBenchmark.Phase idle = r.phases().get(0);
        Histogram base = idle.load().latency();
        s.append("## Results\n\n");
        s.append("| method | purge time | purge | OLTP tx/s | p50 | p95 | p99 | max | p99 vs idle | errors on live tenants"
                + " | inserts under purged tenants: FK violations / other errors / committed | max standby lag |\n");
        s.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
        for (LoadBenchmark.Phase p : r.phases()) {
            Histogram h = p.load().latency();
            s.append("| ").append(p.method()).append(" | ").append(p.isIdle() ? "(" + dur(p.purgeTime()) + " idle)"
                    : dur(p.purgeTime())).append(" | ").append(p.isIdle() ? "" : p.outcome());
            s.append(String.format(Locale.ROOT, " | %,.0f | %s | %s | %s | %s | %s | %s | %s / %d / %,d | %s, %s |\n",
                    p.load().perSecond(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), p.isIdle() ? "1.00×"
                            : ratio(h.getValueAtPercentile(99) / (double) Math.max(1, base.getValueAtPercentile(99))),
                    errors(p.load().liveFailures()), String.format(Locale.ROOT, "%,d",
                            p.load().purgedFailures().get(OltpLoad.Failure.FK_VIOLATION)),
                    p.load().purgedUnexpected(), p.load().purgedInserted(), bytes(p.maxLagBytes()),
                    dur(java.time.Duration.ofMillis(Math.round(p.maxLagMillis())))));
        }
        for (LoadBenchmark.Phase p : r.phases()) {
            if (!p.holds().isEmpty()) {
                s.append("\n").append(p.method()).append(": ").append(p.holds()).append(" (within its purge time).\n");
            }
        }
        s.append("\nLatency is per transaction, as a client sees it, committed or failed, over the whole purge"
                + " (HdrHistogram). Errors on live tenants by kind: FK violations, deadlocks, lock timeouts (the"
                + " client's `lock_timeout`), statement timeouts, other. Inserts under a tenant being purged are"
                + " expected to fail with an FK violation for every method once the purge has taken the parent row;"
                + " before that they commit, and the purge must take those late rows too. The standby lag is the"
                + " largest the primary reported in `pg_stat_replication` (WAL not replayed, and `replay_lag`),"
                + " sampled every 100 ms during the purge. \"purge\": complete when no closed tenant is left (and,"
                + " for declutter, `declutter verify` passes).\n\n");
        s.append("## Targets\n\n| target | measured | |\n|---|---:|---|\n");
        LoadBenchmark.Phase throttled = r.phases().stream().filter(p -> p.largestUnitWal() >= 0).findFirst()
                .orElseThrow();
        double p99 = throttled.load().latency().getValueAtPercentile(99) / (double) Math.max(1,
                base.getValueAtPercentile(99));
        row(s, "declutter throttled: OLTP p99 ≤ 1.5 × the idle p99", ratio(p99), p99 <= 1.5);
        long errors = throttled.load().liveErrors() + throttled.load().purgedUnexpected();
        row(s, "declutter throttled: no client errors (FK violations under purged tenants aside)",
                String.valueOf(errors), errors == 0);
        long bound = LoadBenchmark.LAG_LIMIT_BYTES + throttled.largestUnitWal();
        row(s, "declutter throttled: standby lag ≤ the limit (" + bytes(LoadBenchmark.LAG_LIMIT_BYTES) + ") + one unit ("
                + bytes(throttled.largestUnitWal()) + ", the most WAL written between the ends of two units)",
                bytes(throttled.maxLagBytes()), throttled.maxLagBytes() <= bound);
        row(s, "declutter throttled: purge complete", throttled.outcome(), throttled.outcome().equals("complete"));
        s.append("\n");
        LoadBenchmark.Phase unthrottled = r.phases().get(2);
        LoadBenchmark.Phase cascade = r.phases().get(4);
        if (unthrottled.load().latency().getValueAtPercentile(99) > cascade.load().latency().getValueAtPercentile(99)) {
            s.append("declutter unthrottled has a higher OLTP p99 than native ON DELETE CASCADE here. Why: declutter"
                    + " first writes a full-row backup of everything it will delete (the cache phase), about twice the"
                    + " WAL of the delete alone, which the clients' commits queue behind; and before each delete batch"
                    + " of a table with children it locks the batch's rows (`FOR UPDATE`) to catch up late rows"
                    + " ([catch-up](../../docs/design.md#catch-up)), so a client inserting under a tenant being purged"
                    + " waits for the batch's transaction. Native cascade takes one tenant per statement, with no backup"
                    + " and no way to stop or undo it; throttled, declutter gives way to the application instead.\n\n");
        }
        s.append("## What each method does\n\n");
        for (LoadBenchmark.Phase p : r.phases()) {
            s.append("- **").append(p.method()).append("**: ").append(p.description()).append(".\n");
        }
        s.append("\nThe throttle of declutter, throttled (docs/throttle.md):\n\n```yaml\n").append(r.throttle())
                .append("```\n\n");
        if (!r.problems().isEmpty()) {
            s.append("## Problems\n\n");
            r.problems().forEach(p -> s.append("- ").append(p).append('\n'));
            s.append('\n');
        }
        s.append(String.format(Locale.ROOT, "Whole run: %s.\n", dur(r.total())));
        return s.toString();
    }

    private static void row(StringBuilder s, String what, String measured, boolean met) {
        s.append("| ").append(what).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**")
                .append(" |\n");
    }

    private static String errors(Map<OltpLoad.Failure, Long> failures) {
        long total = failures.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%,d (FK %d, deadlock %d, lock timeout %d, statement timeout %d, other %d)",
                total, failures.get(OltpLoad.Failure.FK_VIOLATION), failures.get(OltpLoad.Failure.DEADLOCK),
                failures.get(OltpLoad.Failure.LOCK_TIMEOUT), failures.get(OltpLoad.Failure.STATEMENT_TIMEOUT),
                failures.get(OltpLoad.Failure.OTHER));
    }

    private static String ms(long micros) {
        double m = micros / 1000.0;
        return m < 10 ? String.format(Locale.ROOT, "%.2f ms", m) : String.format(Locale.ROOT, "%,.0f ms", m);
    }

    private static String ratio(double x) {
        return x >= 10 ? String.format(Locale.ROOT, "%.0f×", x) : String.format(Locale.ROOT, "%.2f×", x);
    }
}
