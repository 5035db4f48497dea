package io.declutter.demo.bench;

import io.declutter.demo.TestServer;
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

/**
 * The whole benchmark at a tiny scale against a real PostgreSQL: every method that finishes leaves exactly the rows
 * the floor leaves, the scaling checks run, the report is written. No timing is asserted.
 */
class BenchmarkTest {

    @Test
    void everyMethodLeavesTheSameRowsAndTheReportIsWritten(@TempDir Path dir) throws Exception {
        StringWriter log = new StringWriter();
        Benchmark.Options options = new Benchmark.Options(0.04, 42, 20, Duration.ofMinutes(5), true, List.of(10.0),
                500, 2, Files.createDirectories(dir.resolve("work")), "./declutter bench --scale 0.04", Optional.empty());
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
                "| Jailer | not run: give `--jailer DIR`");
    }
}
