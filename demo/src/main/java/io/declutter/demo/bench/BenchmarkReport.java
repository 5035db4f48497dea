package io.declutter.demo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

import static io.declutter.demo.bench.Benchmark.bytes;
import static io.declutter.demo.bench.Benchmark.dur;

/** The Markdown report of a benchmark run. */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    /** Writes {@code <date>-postgres<major>.md} and {@code latest.md} into {@code dir}; returns the first. */
    public static Path write(Benchmark.Result r, Path dir) throws Exception {
        Files.createDirectories(dir);
        String md = markdown(r);
        String major = r.machine().getOrDefault("PostgreSQL", "PostgreSQL ?").replaceAll("^PostgreSQL (\\d+).*", "$1");
        Path file = dir.resolve(LocalDate.now(ZoneOffset.UTC) + "-postgres" + major + ".md");
        Files.writeString(file, md);
        Files.writeString(dir.resolve("latest.md"), md);
        return file;
    }

    public static String markdown(Benchmark.Result r) {
        StringBuilder s = new StringBuilder();
        Benchmark.Options o = r.options();
        s.append("# declutter benchmark, ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        s.append("Command: `").append(o.command()).append("`\n\n");
        s.append("Machine: ").append(r.machine().get("CPU")).append(", ").append(r.machine().get("cores"))
                .append(" cores, ").append(r.machine().get("RAM")).append(" RAM; ").append(r.machine().get("PostgreSQL"))
                .append(" (").append(r.machine().get("settings")).append("); Java ").append(r.machine().get("Java"))
                .append(". The database server ran on the same machine. Other work on the machine (and on the server:"
                        + " WAL is counted server-wide) during the run disturbs the numbers.\n\n");
        s.append(String.format(Locale.ROOT, "Data: scale %s, seed %d: %d tables, %,d rows, %s on disk (loaded in %s),"
                        + " %d tenants. Purged: the %d tenants closed, %,d rows (%.1f%% of the rows), the same tenants for"
                        + " every method, each method on its own fresh copy of the loaded database (`CREATE DATABASE ..."
                        + " TEMPLATE`). declutter batch size %d; time cap of the slow methods %s.\n\n",
                Benchmark.fmt(o.scale()), o.seed(), r.tables(), r.databaseRows(), bytes(r.databaseBytes()),
                dur(r.loadTime()), r.tenants(), r.purgedTenants().size(), r.rowsToPurge(),
                100.0 * r.rowsToPurge() / r.databaseRows(), o.batchSize(), dur(o.cap())));
        s.append("## Methods\n\n");
        Benchmark.Measurement floor = r.methods().stream().filter(m -> m.method().startsWith("floor")).findFirst()
                .orElseThrow();
        s.append("| method | rows deleted | wall time | rows/s | vs floor | longest transaction | WAL written | backup |"
                + " same rows left as the floor |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Benchmark.Measurement m : r.methods()) {
            s.append("| ").append(m.method());
            if (m.finished()) {
                s.append(String.format(Locale.ROOT, " | %,d | %s", m.rowsDeleted(), dur(m.wall())));
            } else {
                s.append(String.format(Locale.ROOT, " | %,d of %,d in the %s cap* | ≈ %s*", m.rowsProcessed(),
                        m.rowsToPurge(), dur(m.wall()), dur(m.estimatedTotal())));
            }
            s.append(String.format(Locale.ROOT, " | %,.0f | %s | %s | %s | %s | %s |\n", m.rate(),
                    ratio(m.rate() / floor.rate()), dur(m.longest()) + (m.finished() ? "" : "*"), bytes(m.walBytes())
                            + (m.finished() ? "" : "*"), m.backupBytes() == 0 ? "none" : bytes(m.backupBytes()),
                    m.sameAsFloor()));
        }
        r.jailerNotRun().ifPresent(why -> s.append("| Jailer | ").append(why).append(" | | | | | | | |\n"));
        s.append("\n");
        if (r.methods().stream().anyMatch(m -> !m.finished())) {
            s.append("\\* Stopped by the time cap: the rows it got through (its last transaction, cut off by the cap,"
                    + " was rolled back; its rows are counted for the rate), and the time the whole purge would take at"
                    + " that rate (extrapolated). Longest transaction and WAL cover the capped part only.\n\n");
        }
        s.append("\"vs floor\" is rows per second relative to the floor. \"Longest transaction\": for declutter the"
                + " longest unit of work (one cache step or delete batch, from `declutter.log`); for the floor the whole"
                + " purge; for the per-tenant methods the largest tenant done" + (r.jailerNotRun().isEmpty()
                ? "; for Jailer the run of its delete script (`jailer import -transactional`)" : "")
                + ". declutter's time is the whole `declutter run` (cache + backup + delete, without the closing"
                + " VACUUM); plan + generate + deploy (once per job, before the window) took " + dur(r.declutterDeploy())
                + ", and the rehearsal a new run makes before it starts (the closure of 100 root rows, here every purged"
                + " tenant, purged and rolled back; docs/design.md#rehearsal) took " + dur(r.declutterRehearsal())
                + ": both are timed apart.\n\n");
        if (!r.planFindings().isEmpty()) {
            s.append("`declutter plan` on this schema reports the FK left without an index on purpose:\n\n```\n");
            r.planFindings().forEach(l -> s.append(l).append('\n'));
            s.append("```\n\n");
        }
        s.append("## Targets\n\n| target | measured | |\n|---|---:|---|\n");
        Benchmark.Measurement withBackup = r.methods().get(0);
        Benchmark.Measurement without = r.methods().get(1);
        Benchmark.Measurement perRow = r.methods().get(3);
        Benchmark.Measurement orm = r.methods().get(4);
        target(s, "declutter with backup ≥ 0.5 × the floor's rows/s", withBackup.rate() / floor.rate(), 0.5, true);
        target(s, "declutter without backup ≥ 0.8 × the floor's rows/s", without.rate() / floor.rate(), 0.8, true);
        target(s, "declutter (with backup) ≥ 50 × the per-row cascade function", withBackup.rate() / perRow.rate(), 50, true);
        target(s, "declutter (with backup) ≥ 20 × the ORM loop", withBackup.rate() / orm.rate(), 20, true);
        List<Benchmark.ScalingRun> sc = r.scaling();
        if (sc.size() >= 2) {
            double grow = sc.get(1).declutter().wall().toNanos() / (double) sc.get(0).declutter().wall().toNanos();
            target(s, "same purge on a 4 times larger database ≤ 1.3 × the time", grow, 1.3, false);
        }
        s.append("\nThe per-row function and the ORM loop run here next to the server, at their fastest: no network round"
                + " trip per statement (loopback), an index on every FK they search but one on a small table, and the ORM"
                + " loop is Java building no model objects. Across a network every one of the ORM loop's one-per-row"
                + " statements costs a round trip more (0.2 to 1 ms), and a per-row cascade meeting an unindexed FK on a"
                + " large table scans it once per row.\n\n");
        if (!sc.isEmpty()) {
            s.append("## Scaling\n\n");
            s.append(String.format(Locale.ROOT, "On a database 4 times smaller (scale %s, same seed: its tenants are the"
                    + " first tenants of the main database, row for row): the purge, then the same tenants purged from"
                    + " the main database; then purges of other sizes on the small database. declutter with backup, and"
                    + " the floor for reference, each on a fresh copy.\n\n", Benchmark.fmt(o.scale() / 4)));
            s.append("| purge | database rows | tenants purged | rows purged | declutter with backup | rows/s | floor |"
                    + " rows/s | vs floor |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Benchmark.ScalingRun x : sc) {
                s.append(String.format(Locale.ROOT, "| %s | %,d | %d | %,d (%.1f%%) | %s | %,.0f | %s | %,.0f | %s |\n",
                        x.label(), x.databaseRows(), x.tenants(), x.declutter().rowsDeleted(), x.percent(),
                        dur(x.declutter().wall()), x.declutter().rate(), dur(x.floor().wall()), x.floor().rate(),
                        ratio(x.declutter().rate() / x.floor().rate())));
            }
            s.append("\n");
        }
        s.append("## What each method does\n\n");
        for (Benchmark.Measurement m : r.methods()) {
            s.append("- **").append(m.method()).append("**: ").append(m.description()).append(".");
            if (m.method().equals("Jailer")) { // its preparation and the two parts of its time
                s.append(" ").append(m.prepared()).append(". This run: ").append(m.note()).append(".");
            }
            s.append("\n");
        }
        r.jailerNotRun().ifPresent(why -> s.append("- **Jailer** (https://github.com/Wisser/Jailer, the database"
                + " subsetting tool, purging the same closure with its own delete script): ").append(why).append(".\n"));
        s.append("\nEvery method purges the tenants with `status = 'closed'` and every row that references them through"
                + " foreign keys, transitively; rows outside the tenants that reference purged rows through ON DELETE SET"
                + " NULL keep their row with the column reset. After each method every table of the schema is"
                + " fingerprinted (row count and the sum of a 64-bit hash of every row's text) and compared with what"
                + " the floor left.\n\n");
        if (!r.problems().isEmpty()) {
            s.append("## Problems\n\n");
            r.problems().forEach(p -> s.append("- ").append(p).append('\n'));
            s.append('\n');
        }
        s.append(String.format(Locale.ROOT, "Whole run: %s.\n", dur(r.total())));
        return s.toString();
    }

    private static void target(StringBuilder s, String what, double measured, double bound, boolean atLeast) {
        boolean met = atLeast ? measured >= bound : measured <= bound;
        s.append("| ").append(what).append(" | ").append(ratio(measured)).append(" | ").append(met ? "met" : "**missed**")
                .append(" |\n");
    }

    private static String ratio(double x) {
        return x >= 10 ? String.format(Locale.ROOT, "%.0f×", x) : String.format(Locale.ROOT, "%.2f×", x);
    }
}
