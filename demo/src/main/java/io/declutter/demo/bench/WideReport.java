package io.declutter.demo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

import static io.declutter.demo.bench.Benchmark.bytes;
import static io.declutter.demo.bench.Benchmark.dur;

/** The Markdown report of the wide scenario ({@code declutter bench --wide}). */
public final class WideReport {

    private WideReport() {
    }

    /** Writes {@code <date>-postgres<major>-wide.md} and {@code latest-wide.md} into {@code dir}; returns the first. */
    public static Path write(WideBenchmark.Result r, Path dir) throws Exception {
        Files.createDirectories(dir);
        String md = markdown(r);
        String major = r.machine().getOrDefault("PostgreSQL", "PostgreSQL ?").replaceAll("^PostgreSQL (\\d+).*", "$1");
        Path file = dir.resolve(LocalDate.now(ZoneOffset.UTC) + "-postgres" + major + "-wide.md");
        Files.writeString(file, md);
        Files.writeString(dir.resolve("latest-wide.md"), md);
        return file;
    }

    public static String markdown(WideBenchmark.Result r) {
        StringBuilder s = new StringBuilder();
        s.append("# declutter benchmark, wide scenario, ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        s.append("Command: `").append(r.command()).append("`\n\n");
        s.append("Machine: ").append(r.machine().get("CPU")).append(", ").append(r.machine().get("cores"))
                .append(" cores, ").append(r.machine().get("RAM")).append(" RAM; ").append(r.machine().get("PostgreSQL"))
                .append(" (").append(r.machine().get("settings")).append("); Java ").append(r.machine().get("Java"))
                .append(". The database server ran on the same machine; other work on it during the run disturbs the"
                        + " numbers.\n\n");
        s.append(String.format(Locale.ROOT, "Data: the wide synthetic schema (seed %d, docs/benchmark.md#wide): %,d"
                        + " tables, %,d foreign keys, %,d rows (created and filled in %s). The purge takes one small tenant:"
                        + " %,d rows in %d of the %d closure tables (the others have none of its rows). declutter batch"
                        + " size %d, with backup.\n\n", r.seed(), r.tables(), r.foreignKeys(), r.databaseRows(),
                dur(r.load()), r.purgedRows(), r.tablesWithRows(), r.closureTables(), r.batchSize()));
        s.append("## Times\n\n| step | time | |\n|---|---:|---|\n");
        row(s, "introspection (the catalog queries)", r.introspect(), "");
        row(s, "plan (closure, cycles, heights, findings)", r.plan(), "");
        row(s, "generate (" + String.format(Locale.ROOT, "%,d files, %s", r.generatedFiles(), bytes(r.generatedBytes()))
                + " without install.sql)", r.generate(), "");
        Duration pg = r.introspect().plus(r.plan()).plus(r.generate());
        row(s, "**introspection + plan + generate**", pg, target(pg.toMillis() < 10_000, "< 10 s"));
        row(s, "`declutter plan` (CLI: also the predicate check, the findings and the report)", r.cliPlan(), "");
        row(s, "`declutter generate` (CLI: also writing the files)", r.cliGenerate(), "");
        row(s, "**`declutter deploy`**", r.deploy(), target(r.deploy().toMillis() < 15_000, "< 15 s"));
        row(s, "rehearsal (`plan --rehearse`, before the window; the job says `rehearse: false`)", r.rehearsal(), "");
        row(s, "**`declutter run`** (without deploy, rehearsal and VACUUM)", r.run(), "");
        s.append(String.format(Locale.ROOT, "| **run per closure table** | %.1f ms | %s |\n", r.msPerClosureTable(),
                target(r.msPerClosureTable() <= 20, "≤ 20 ms")));
        row(s, "VACUUM (ANALYZE) after the run: " + r.vacuumSummary().replace("|", "/"), r.vacuum(), "");
        s.append("\n## Where the run's time goes\n\nFrom `declutter.log` (one row per unit of work, each its own"
                + " transaction), and the rest of the run's wall time:\n\n");
        RunPhases.table(s, r.phases(), r.run());
        if (!r.problems().isEmpty()) {
            s.append("## Problems\n\n");
            r.problems().forEach(p -> s.append("- ").append(p).append('\n'));
            s.append('\n');
        }
        s.append("Whole scenario: ").append(dur(r.total())).append(".\n");
        return s.toString();
    }

    private static void row(StringBuilder s, String what, Duration d, String target) {
        s.append("| ").append(what).append(" | ").append(ms(d)).append(" | ").append(target).append(" |\n");
    }

    private static String ms(Duration d) {
        return RunPhases.ms(d);
    }

    private static String target(boolean met, String bound) {
        return "target " + bound + ": " + (met ? "met" : "**missed**");
    }
}
