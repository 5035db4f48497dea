package io.declutter.demo.bench;

import io.declutter.demo.TestServer;
import io.declutter.localdb.StandbyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole benchmark at a tiny scale against a real PostgreSQL: every method that finishes leaves exactly the rows
 * the floor leaves, the scaling checks run, the report is written. No timing is asserted.
 */
class BenchmarkTest {

    @Test
    void everyMethodLeavesTheSameRowsAndTheReportIsWritten(@TempDir Path dir) throws Exception {
        StringWriter log = new StringWriter();
        Benchmark.Options options = new Benchmark.Options(0.04, 42, 20, Duration.ofMinutes(5), true, List.of(10.0),
                500, 2, Files.createDirectories(dir.resolve("work")), "./declutter bench --scale 0.04 --repeat 2", Optional.empty(),
                2);
        Benchmark.Result r = new Benchmark(TestServer.get(), options, new PrintWriter(log, true)).run();

        assertThat(r.problems()).as(log.toString()).isEmpty();
        assertThat(r.tables()).isGreaterThanOrEqualTo(100);
        assertThat(r.rowsToPurge()).isPositive();
        assertThat(r.methods()).hasSize(6);
        for (Benchmark.Measurement m : r.methods()) {
            // the cap is generous here: every method finishes, deletes the closure and leaves the floor's rows
            assertThat(m.finished()).as(m.method()).isTrue();
            assertThat(m.rowsDeleted()).as(m.method()).isEqualTo(r.rowsToPurge());
            assertThat(m.sameAsFloor()).as(m.method()).isIn("yes", "reference");
        }
        assertThat(r.methods().get(0).backupBytes()).isPositive();
        assertThat(r.declutterRehearsal()).as("the rehearsal is timed apart from the run").isPositive();
        assertThat(r.planFindings()).anyMatch(l -> l.contains("api_keys(revoked_by_id)"));
        // --repeat 2: the four uncapped methods ran twice, each reported by its median (the lower middle) round
        assertThat(r.rounds()).containsOnlyKeys("floor: set-based DELETEs", "declutter, with backup",
                "declutter, without backup", "native ON DELETE CASCADE");
        r.rounds().forEach((method, walls) -> {
            assertThat(walls).as(method).hasSize(2);
            Benchmark.Measurement shown = r.methods().stream().filter(m -> m.method().equals(method)).findFirst()
                    .orElseThrow();
            assertThat(shown.wall()).as(method).isEqualTo(walls.stream().min(Duration::compareTo).orElseThrow());
        });
        assertThat(r.scaling()).hasSize(3);
        assertThat(r.scaling().get(0).declutter().rowsDeleted()).isEqualTo(r.scaling().get(1).declutter().rowsDeleted());
        for (Benchmark.ScalingRun s : r.scaling()) {
            assertThat(s.declutter().sameAsFloor()).as(s.label()).isEqualTo("yes");
        }

        Path file = BenchmarkReport.write(r, dir.resolve("results"));
        String md = Files.readString(file);
        assertThat(Files.readString(dir.resolve("results/latest.md"))).isEqualTo(md);
        assertThat(md).contains("| declutter, with backup |", "| floor: set-based DELETEs |", "| native ON DELETE CASCADE |",
                "## Targets", "## Scaling", "the rehearsal a new run makes", "PostgreSQL", "./declutter bench --scale 0.04",
                "| Jailer | not run: give `--jailer DIR`",
                "native ON DELETE CASCADE's rows/s", "a 1% purge", "## Where declutter's time goes",
                "### declutter, without backup", "| phase | units | rows | time |", "between the log rows: the runner's statements",
                "## Projection: a large nightly purge", "linear projection from this machine",
                "## Profile", "Not profiled in this run", "--profile", "### Rounds", "| method | round 1 | round 2 | median |");
    }

    /**
     * {@code bench --profile} at a tiny scale, on its private server: the report has the phases of both declutter
     * methods and the profile of the four uncapped methods (structure only; no timing asserted).
     */
    @Test
    void profiledRunReportsPhasesStatementsProceduresAndPlans(@TempDir Path dir) throws Exception {
        assumeTrue(StandbyPair.binariesFound(), "no PostgreSQL server binaries in " + StandbyPair.BIN);
        StringWriter log = new StringWriter();
        Benchmark.Options options = new Benchmark.Options(0.04, 42, 20, Duration.ofSeconds(5), false, List.of(),
                500, 2, Files.createDirectories(dir.resolve("work")), "./declutter bench --scale 0.04 --profile",
                Optional.empty(), 1);
        Benchmark.Result r = Benchmark.profiled(TestServer.get(), options, new PrintWriter(log, true));

        assertThat(r.problems()).as(log.toString()).isEmpty();
        assertThat(r.profileSettings()).contains("shared_buffers = ", "work_mem = ");
        assertThat(r.profiles()).extracting(Profiler.MethodProfile::method).containsExactly("floor: set-based DELETEs",
                "declutter, with backup", "declutter, without backup", "native ON DELETE CASCADE");
        for (Profiler.MethodProfile p : r.profiles()) {
            assertThat(p.statements()).as(p.method()).isNotEmpty();
        }
        Profiler.MethodProfile declutter = r.profiles().get(1);
        assertThat(declutter.functions()).as("pg_stat_user_functions with track_functions = 'pl'").isNotEmpty();
        assertThat(declutter.statements()).as("pg_stat_statements.track = all").anyMatch(s -> !s.toplevel());
        assertThat(r.phases().get("declutter, with backup")).extracting(RunPhases.Phase::name)
                .contains("begin", "delete", RunPhases.BEFORE, RunPhases.BETWEEN, RunPhases.AFTER);

        String md = Files.readString(BenchmarkReport.write(r, dir.resolve("results")));
        assertThat(md).contains("## Where declutter's time goes", "### declutter, with backup",
                "## Profile", "pg_stat_statements.track = all", "| statement | level | calls | total ms |",
                "| function or procedure | calls | total ms | self ms |", "### native ON DELETE CASCADE",
                "### floor: set-based DELETEs", "statements ran longer than " + Profiler.SLOW_MS + " ms",
                "not measured (no scaling checks)")
                .doesNotContain("Not profiled in this run");
    }
}
