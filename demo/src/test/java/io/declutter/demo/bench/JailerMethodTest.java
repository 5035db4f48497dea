package io.declutter.demo.bench;

import io.declutter.demo.TestServer;
import io.declutter.localdb.PostgresLocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jailer purges the closed tenants of a small synthetic database and leaves exactly the rows the floor leaves. Runs
 * only with a Jailer installation (docs/benchmark.md#jailer), named by the system property {@code declutter.jailer}
 * or the environment variable {@code DECLUTTER_JAILER_DIR}; skipped otherwise (CI has no Jailer).
 */
class JailerMethodTest {

    @Test
    void jailerLeavesTheFloorsRows(@TempDir Path work) throws Exception {
        Optional<String> dir = Optional.ofNullable(System.getProperty("declutter.jailer"))
                .or(() -> Optional.ofNullable(System.getenv("DECLUTTER_JAILER_DIR"))).filter(s -> !s.isBlank());
        Assumptions.assumeTrue(dir.isPresent(), "no Jailer installation: set DECLUTTER_JAILER_DIR or -Ddeclutter.jailer");
        JailerMethod jailer = new JailerMethod(Path.of(dir.get()));

        PostgresLocator.Server server = TestServer.get();
        String prefix = "declutter_jailer_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .substring(0, 6);
        BenchDatabase main = BenchDatabase.load(server, prefix + "_main", new SyntheticSchema(42, 0.02), 2, s -> { });
        try {
            Map<Long, Long> perTenant = main.rowsPerTenant();
            List<Long> closed = Benchmark.choose(perTenant, main.totalRows(), 20, 42);
            main.closeTenants(closed);
            long rowsBefore = main.totalRows();
            long toPurge = closed.stream().mapToLong(perTenant::get).sum();
            Purge purge = new Purge(server, closed, Duration.ofMinutes(5), 500, work);

            Fingerprint floor = purged(main, new FloorMethod(), purge, prefix + "_floor");
            Fingerprint byJailer = purged(main, jailer, purge, prefix + "_jailer");

            assertThat(rowsBefore - floor.rows()).isEqualTo(toPurge);
            assertThat(byJailer.differences(floor)).as("tables where Jailer left other rows than the floor").isEmpty();
            assertThat(jailer.description()).startsWith("Jailer ").doesNotContain("Jailer ?");
        } finally {
            main.drop();
        }
    }

    /** The report's failure row names Jailer's log relative to its working directory, not a temporary path. */
    @Test
    void aFailureNamesItsLogInJailersWorkingDirectory() {
        List<String> lines = IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toList();
        String message = JailerMethod.failure("delete", 143, "delete.log", lines).getMessage();
        assertThat(message)
                .startsWith("jailer delete failed (exit 143; its output: delete.log in Jailer's working directory):"
                        + " line 6\n")
                .endsWith("line 20")
                .doesNotContain("line 5\n")
                .doesNotContain("/tmp");
    }

    private static Fingerprint purged(BenchDatabase main, PurgeMethod method, Purge purge, String name)
            throws Exception {
        BenchDatabase copy = main.copy(name);
        try {
            method.prepare(copy, purge);
            PurgeMethod.Outcome o = method.run(copy, purge);
            assertThat(o.finished()).isTrue();
            return Fingerprint.of(copy, 2);
        } finally {
            copy.drop();
        }
    }
}
