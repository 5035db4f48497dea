package io.declutter.demo.bench;

import io.declutter.demo.Main;
import io.declutter.localdb.StandbyPair;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code declutter bench --load} end to end at a tiny scale and duration, on the primary and standby it starts itself
 * (docs/benchmark.md#under-load): it exits 0, writes its report with a row per phase and the targets, and declutter's
 * purges (throttled and not) are complete and pass {@code verify}, under the workload. No timing is asserted.
 */
class LoadBenchmarkTest {

    @Test
    void benchLoadWritesItsReportAndDeclutterPurgesCompletelyUnderLoad(@TempDir Path dir) throws Exception {
        if (!StandbyPair.binariesFound()) {
            String why = "no PostgreSQL server binaries in " + StandbyPair.BIN + " (set -Ddeclutter.pgbin)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " (CI=true: the benchmark under load must run)");
            }
            Assumptions.abort(why);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path results = dir.resolve("results");
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("bench", "--load", "--scale", "0.04", "--clients", "2", "--idle", "2s", "--batch-size", "200",
                        "--out", results.toString());
        String all = "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        assertThat(code).as(all).isZero();

        Path latest = results.resolve("latest-load.md");
        String md = Files.readString(latest);
        Path dated;
        try (Stream<Path> files = Files.list(results)) {
            dated = files.filter(f -> f.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}-postgres\\d+-load\\.md"))
                    .findFirst().orElseThrow(() -> new AssertionError("no dated report in " + results));
        }
        assertThat(Files.readString(dated)).isEqualTo(md);
        assertThat(md).contains("# declutter benchmark under load", "Command: `./declutter bench --load --scale 0.04",
                "## Results", "## Targets", "## What each method does", "maxReplicaLagBytes: 16MB");
        List<String> header = cells(md.lines().filter(l -> l.startsWith("| method |")).findFirst().orElseThrow());
        assertThat(header).containsExactly("method", "purge time", "purge", "OLTP tx/s", "p50", "p95", "p99", "max",
                "p99 vs idle", "errors on live tenants",
                "inserts under purged tenants: FK violations / other errors / committed", "max standby lag");
        for (String method : List.of("idle", "declutter, throttled", "declutter, unthrottled",
                "floor: set-based DELETEs", "native ON DELETE CASCADE")) {
            List<String> row = cells(md.lines().filter(l -> l.startsWith("| " + method + " |")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + method + " in\n" + md)));
            assertThat(row).as(method).hasSize(header.size());
            if (method.startsWith("declutter")) {
                assertThat(row.get(2)).as(method + ": the purge under load\n" + all).isEqualTo("complete");
            }
        }
        assertThat(md.lines().filter(l -> l.startsWith("| declutter throttled: ")).count()).isEqualTo(4);
        assertThat(md).contains("| declutter throttled: purge complete | complete | met |");
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }
}
