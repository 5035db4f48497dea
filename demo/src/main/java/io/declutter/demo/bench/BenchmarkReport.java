package io.declutter.demo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /** With {@code --repeat}: every round's wall time of the methods that are not capped, and their spread. */
    private static void rounds(StringBuilder s, Benchmark.Result r) {
        if (r.rounds().isEmpty()) {
            return;
        }
        int n = r.options().repeat();
        s.append("### Rounds\n\n");
        s.append(String.format(Locale.ROOT, "The methods that are not capped ran %d rounds, one after the other in the"
                + " order above (each round every method on a fresh copy), so that what drifts on the machine meets"
                + " each of them; the table above shows each one's median round (its time, rate, longest transaction,"
                + " WAL and backup; the phases below are that round's too), and the targets are computed from those."
                + " The scaling checks and the capped methods ran once.\n\n", n));
        s.append("| method |");
        for (int i = 1; i <= n; i++) {
            s.append(" round ").append(i).append(" |");
        }
        s.append(" median | slowest / fastest |\n|---|");
        s.append("---:|".repeat(n + 2)).append('\n');
        r.rounds().forEach((method, walls) -> {
            s.append("| ").append(method).append(" |");
            walls.forEach(w -> s.append(' ').append(dur(w)).append(" |"));
            List<Duration> sorted = walls.stream().sorted().toList();
            double spread = sorted.get(sorted.size() - 1).toNanos() / (double) Math.max(1, sorted.get(0).toNanos());
            s.append(' ').append(dur(sorted.get((sorted.size() - 1) / 2))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f×", spread)).append(" |\n");
        });
        s.append('\n');
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
        rounds(s, r);
        if (!r.planFindings().isEmpty()) {
            s.append("`declutter plan` on this schema reports the FK left without an index on purpose:\n\n```\n");
            r.planFindings().forEach(l -> s.append(l).append('\n'));
            s.append("```\n\n");
        }
        s.append("## Targets\n\n| target | measured | |\n|---|---:|---|\n");
        Benchmark.Measurement withBackup = r.methods().get(0);
        Benchmark.Measurement without = r.methods().get(1);
        Benchmark.Measurement cascade = r.methods().get(5);
        boolean met = target(s, "declutter without backup ≥ 0.8 × native ON DELETE CASCADE's rows/s",
                without.rate() / cascade.rate(), 0.8, true);
        met &= target(s, "declutter with backup ≥ 0.5 × native ON DELETE CASCADE's rows/s",
                withBackup.rate() / cascade.rate(), 0.5, true);
        met &= target(s, "declutter without backup ≥ 1.0 × the floor's rows/s", without.rate() / floor.rate(), 1.0, true);
        met &= target(s, "declutter with backup ≥ 1.0 × the floor's rows/s", withBackup.rate() / floor.rate(), 1.0, true);
        List<Benchmark.ScalingRun> sc = r.scaling();
        Benchmark.ScalingRun onePercent = sc.stream().filter(x -> x.label().equals("purge 1% of the rows")).findFirst()
                .orElse(null);
        String scalingOff = " | not measured (no scaling checks" + (sc.isEmpty() ? "" : " of 1%") + ") | |\n";
        if (onePercent != null) {
            met &= target(s, "a 1% purge (scaling checks, declutter with backup) within 1.5 × the floor's time",
                    time(onePercent.declutter()) / time(onePercent.floor()), 1.5, false);
        } else {
            s.append("| a 1% purge within 1.5 × the floor's time").append(scalingOff);
        }
        if (sc.size() >= 2) {
            met &= target(s, "the same purge on a 4 times larger database ≤ 1.2 × the time",
                    time(sc.get(1).declutter()) / time(sc.get(0).declutter()), 1.2, false);
        } else {
            s.append("| the same purge on a 4 times larger database ≤ 1.2 × the time").append(scalingOff);
        }
        s.append('\n');
        if (!met) {
            s.append("A target is missed; where declutter's time goes:");
            r.phases().forEach((method, phases) -> {
                if (!phases.isEmpty()) {
                    RunPhases.Phase p = RunPhases.largest(phases);
                    s.append(String.format(Locale.ROOT, " %s: mostly %s (%s of %s)", method,
                            p.units() == 0 ? p.name().substring(0, p.name().indexOf(':')) : "in `" + p.name() + "` units", RunPhases.ms(p.time()),
                            RunPhases.ms(wall(r, method))));
                    r.profiles().stream().filter(x -> x.method().equals(method)).findFirst()
                            .flatMap(x -> x.statements().stream().filter(st -> !st.toplevel()).findFirst())
                            .ifPresent(st -> s.append(String.format(Locale.ROOT, "; its costliest statement inside"
                                    + " the procedures: `%s` (%,.0f ms in %,d calls)", st.query(), st.totalMs(),
                                    st.calls())));
                    s.append(';');
                }
            });
            s.setLength(s.length() - 1);
            s.append(". See [where the time goes](#where-declutters-time-goes)"
                    + (r.profiles().isEmpty() ? " and run with `--profile` for the statements" : " and the profile")
                    + ".\n\n");
        }
        s.append("\nThe per-row function and the ORM loop run here next to the server, at their fastest: no network round"
                + " trip per statement (loopback), an index on every FK they search but one on a small table, and the ORM"
                + " loop is Java building no model objects. Across a network every one of the ORM loop's one-per-row"
                + " statements costs a round trip more (0.2 to 1 ms), and a per-row cascade meeting an unindexed FK on a"
                + " large table scans it once per row.\n\n");
        phases(s, r);
        projection(s, withBackup, r.tables());
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
        profile(s, r);
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

    /** Projection rows: the nightly purge (docs/benchmark.md#projection). */
    static final long PROJECTED_ROWS = 4_000_000_000L;
    static final int PROJECTED_TABLES = 100;
    static final Duration WINDOW = Duration.ofHours(6);

    private static void phases(StringBuilder s, Benchmark.Result r) {
        s.append("## Where declutter's time goes\n\nFrom the copy's `declutter.log` after each declutter run (one row"
                + " per unit of work, each its own transaction: cache steps, catch-up probes, delete batches, the check"
                + " of foreign keys, begin and end), and the part of the run's wall time no log row covers.\n\n");
        r.phases().forEach((method, phases) -> {
            s.append("### ").append(method).append("\n\n");
            RunPhases.table(s, phases, wall(r, method));
        });
    }

    private static void projection(StringBuilder s, Benchmark.Measurement withBackup, int tables) {
        double rate = withBackup.rate();
        double seconds = PROJECTED_ROWS / Math.max(1e-9, rate);
        double windows = seconds / WINDOW.toSeconds();
        double perWindow = rate * WINDOW.toSeconds();
        s.append("## Projection: a large nightly purge\n\n");
        s.append(String.format(Locale.ROOT, "A purge of %,d rows in %d tables, at declutter with backup's rate"
                        + " measured here (%,.0f rows/s), takes %.1f h: %d nightly windows of %d hours (each window purges"
                        + " about %,.0f rows, %.1f%% of the purge). This is a linear projection from this machine and"
                        + " this run, nothing more: it assumes the rate stays what it was here, on another machine, with"
                        + " other rows, indexes and concurrent load it will not (the number of tables does not enter it;"
                        + " the rate here is over %d tables). The scaling section shows how the rate here moved with the"
                        + " size of the purge and of the database.\n\n", PROJECTED_ROWS, PROJECTED_TABLES, rate,
                seconds / 3600, (long) Math.ceil(windows), WINDOW.toHours(), Math.min(perWindow, PROJECTED_ROWS),
                Math.min(100, 100.0 * perWindow / PROJECTED_ROWS), tables));
    }

    private static void profile(StringBuilder s, Benchmark.Result r) {
        s.append("## Profile\n\n");
        if (r.profileSettings() == null) {
            s.append("Not profiled in this run. `./declutter bench --profile` (docs/benchmark.md#profile) runs the"
                    + " benchmark on a private server with pg_stat_statements and auto_explain preloaded and adds here,"
                    + " for each declutter method, the floor and native ON DELETE CASCADE, the top statements by total"
                    + " time, and for declutter its top procedures and the plans of its slow statements.\n\n");
            return;
        }
        s.append("On a private server of the benchmark's own (").append(r.profileSettings()).append("; the memory"
                + " settings of the server it would otherwise run on) with `shared_preload_libraries ="
                + " 'pg_stat_statements,auto_explain'`, `pg_stat_statements.track = all`, `track_functions = 'pl'` and"
                + " auto_explain logging EXPLAIN (ANALYZE, BUFFERS, WAL) of every statement, nested ones included,"
                + " slower than " + Profiler.SLOW_MS + " ms. The statistics are reset before each method's purge."
                + " Timings here carry the instrumentation's overhead (auto_explain's log_analyze times every node of"
                + " every statement): compare the methods with each other, not with a run without --profile. A"
                + " statement's time at the top level includes the nested statements it ran (a procedure's"
                + " statements, the foreign-key triggers' queries).\n\n");
        for (Profiler.MethodProfile p : r.profiles()) {
            s.append("### ").append(p.method()).append("\n\n");
            s.append(String.format(Locale.ROOT, "Statements run by the client took %,.0f ms of the purge's %s wall"
                    + " time; the rest is the client, its round trips and the commits' wait for the WAL flush (not in a"
                    + " statement's time). %,d sessions, %,d commits, %,d rollbacks in the database during the purge;"
                    + " WAL (pg_stat_wal, server-wide): %,d records, %s, %,d writes in %,.0f ms, %,d flushes (fsync) in"
                    + " %,.0f ms.\n\n", p.toplevelMs(), RunPhases.ms(wall(r, p.method())), p.sessions(), p.commits(),
                    p.rollbacks(), p.wal().records(), bytes(p.wal().bytes()), p.wal().writes(), p.wal().writeMs(),
                    p.wal().syncs(), p.wal().syncMs()));
            s.append("| statement | level | calls | total ms | mean ms | rows | shared blks hit | shared blks read |"
                    + " WAL |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Profiler.Stmt st : p.statements()) {
                s.append(String.format(Locale.ROOT, "| `%s` | %s | %,d | %,.0f | %,.1f | %,d | %,d | %,d | %s |\n",
                        st.query().replace("`", "'"), st.toplevel() ? "top" : "nested", st.calls(), st.totalMs(),
                        st.meanMs(), st.rows(), st.hit(), st.read(), bytes(st.walBytes())));
            }
            s.append('\n');
            if (!p.foreignKeys().isEmpty()) {
                s.append("| fired by the foreign keys (all such statements, summed) | statements | calls | total ms |"
                        + " rows | WAL |\n|---|---:|---:|---:|---:|---:|\n");
                for (Profiler.Group g : p.foreignKeys()) {
                    s.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %,d | %s |\n", g.name(),
                            g.statements(), g.calls(), g.totalMs(), g.rows(), bytes(g.walBytes())));
                }
                s.append('\n');
            }
            if (!p.functions().isEmpty()) {
                s.append("| function or procedure | calls | total ms | self ms |\n|---|---:|---:|---:|\n");
                for (Profiler.Function f : p.functions()) {
                    s.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f |\n", f.name(), f.calls(),
                            f.totalMs(), f.selfMs()));
                }
                s.append('\n');
            }
            if (!p.functions().isEmpty() || p.slowStatements() > 0) {
                s.append(String.format(Locale.ROOT, "%d statements ran longer than %d ms%s\n\n", p.slowStatements(),
                        Profiler.SLOW_MS, p.plans().isEmpty() ? "." : "; the plans of the slowest (one per statement),"
                                + " as auto_explain logged them:"));
                for (Profiler.Plan plan : p.plans()) {
                    s.append(String.format(Locale.ROOT, "%,.0f ms:\n\n```\n", plan.ms())).append(plan.text())
                            .append("```\n\n");
                }
            }
        }
    }

    private static Duration wall(Benchmark.Result r, String method) {
        return r.methods().stream().filter(m -> m.method().equals(method)).findFirst().map(Benchmark.Measurement::wall)
                .orElse(Duration.ZERO);
    }

    private static double time(Benchmark.Measurement m) {
        return m.wall().toNanos() / 1e9;
    }

    private static boolean target(StringBuilder s, String what, double measured, double bound, boolean atLeast) {
        boolean met = atLeast ? measured >= bound : measured <= bound;
        s.append("| ").append(what).append(" | ").append(ratio(measured)).append(" | ").append(met ? "met" : "**missed**")
                .append(" |\n");
        return met;
    }

    private static String ratio(double x) {
        return x >= 10 ? String.format(Locale.ROOT, "%.0f×", x) : String.format(Locale.ROOT, "%.2f×", x);
    }
}
