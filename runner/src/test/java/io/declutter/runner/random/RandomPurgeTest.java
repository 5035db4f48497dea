package io.declutter.runner.random;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized purges (invariants 1 to 5 of docs/design.md#invariants): random schemas and data ({@link RandomSchema}),
 * each purged with random batch sizes, interruptions and concurrent inserts, then rolled back, and checked against an
 * expectation computed independently from the data ({@link io.declutter.runner.testing.ClosureOracle}, see {@link RandomCase} for every check).
 * Cases run on two worker threads; each worker reuses one database for all its cases (a schema and a job per case,
 * dropped after; the database itself is replaced every 250 cases). 200 cases take about a minute.
 *
 * <p>System properties:
 * <ul>
 *   <li>{@code declutter.random.cases}: how many cases (default 200). For a long hunt:
 *       {@code ./mvnw verify -Ddeclutter.random.cases=5000}, or only this class:
 *       {@code ./mvnw -B test -pl runner -am -Dtest=RandomPurgeTest -Dsurefire.failIfNoSpecifiedTests=false
 *       -Ddeclutter.random.cases=5000 -Ddeclutter.random.seed=$RANDOM} (about 4 cases a second).</li>
 *   <li>{@code declutter.random.seed}: the base seed (default fixed, so CI always runs the same cases). Case
 *       {@code n} uses seed {@code base + (n - first) * 0x9E3779B97F4A7C15}, so the seed a failure prints is enough
 *       to replay it alone: {@code -Ddeclutter.random.seed=<case seed> -Ddeclutter.random.cases=1
 *       -Ddeclutter.random.first=<case number>} (the failure message spells out the whole command). A seed means the
 *       same case only for the same version of {@link RandomSchema} and {@link RandomCase} (changing how they draw
 *       numbers changes every case); the moments of interruptions and concurrent writes also depend on timing, so a
 *       replay has the same schema, data and plan of events, not always the same interleaving.</li>
 *   <li>{@code declutter.random.first}: number of the first case (names its schema {@code r<n>} and job
 *       {@code case_<n>}; default 0).</li>
 *   <li>{@code declutter.random.threads}: worker threads (default 2).</li>
 *   <li>{@code declutter.random.unsupported}: features the product does not support yet to put into every case
 *       ({@code all} or a comma list, see {@link Unsupported}); such cases expect today's answer: a refusal by
 *       {@code plan}. {@link #unsupportedFeaturesGetTodaysAnswer} runs a few of each regardless.</li>
 *   <li>{@code declutter.random.keep=true}: keep the databases (and a failing case's schema) for inspection;
 *       {@code declutter.random.dump=DIR}: write each case's schema.sql, data.sql and install.sql under DIR.</li>
 * </ul>
 * A failing case fails the test with its seed, the replay command, the schema, the features and a trace of what the
 * driver did; the other cases still run (up to 10 failures), so one run shows every failing seed. A case the server
 * restart interrupted (another process restarted it) runs again. The summary line gives the cases, the features seen
 * (how many cases had each), the steps and the time by phase.
 */
class RandomPurgeTest {

    static final long DEFAULT_SEED = 20_240_601L;

    static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final int MAX_FAILURES = 10;

    /** One database per worker thread, each reused by all the cases that thread runs. */
    private static final List<ScratchDatabase> DATABASES = new ArrayList<>();
    private static ExecutorService background;

    @BeforeAll
    static void start() {
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "random-purge-background");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void drop() throws Exception {
        background.shutdownNow();
        for (ScratchDatabase db : DATABASES) {
            if (Boolean.getBoolean("declutter.random.keep")) {
                System.out.println("[random purge] database kept: " + db.name());
            } else {
                db.close();
            }
        }
    }

    /**
     * A worker's database is replaced after this many cases: each case creates and drops some thirty relations, and
     * the catalog bloat slows down introspection (plan) more and more over thousands of cases.
     */
    private static final int CASES_PER_DATABASE = 250;

    private static synchronized void renew(int i) throws Exception {
        ScratchDatabase old = DATABASES.get(i);
        DATABASES.set(i, fresh());
        old.close();
    }

    private static ScratchDatabase fresh() throws Exception {
        ScratchDatabase db = TestDatabase.fresh("random");
        // Thousands of small commits (one per step): do not wait for the WAL flush of each. Only this throwaway
        // database is affected, and crash safety is not what these tests are about (visibility is unchanged).
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + db.name() + " SET synchronous_commit = off");
        }
        return db;
    }

    /** The database of worker {@code i}, created on first use. */
    private static synchronized ScratchDatabase database(int i) throws Exception {
        while (DATABASES.size() <= i) {
            DATABASES.add(fresh());
        }
        return DATABASES.get(i);
    }

    static long caseSeed(long base, int first, int number) {
        return base + (long) (number - first) * GAMMA;
    }

    @Test
    void randomCasesKeepEveryInvariant() throws Exception {
        int cases = Integer.getInteger("declutter.random.cases", 200);
        long base = Long.getLong("declutter.random.seed", DEFAULT_SEED);
        int first = Integer.getInteger("declutter.random.first", 0);
        Set<Unsupported> switches = Unsupported.parse(System.getProperty("declutter.random.unsupported"));
        Summary summary = runCases(base, first, cases, switches);
        System.out.println(summary.line("random purge"));
        assertThat(summary.failures).as("failing cases (each with its seed and how to replay it)").isEmpty();
    }

    /** Each unsupported feature, a few cases each, gets what the product answers today: a refusal by plan (exit 2). */
    @Test
    void unsupportedFeaturesGetTodaysAnswer() throws Exception {
        long base = Long.getLong("declutter.random.seed", DEFAULT_SEED) ^ 0x5EED;
        int number = 100_000;
        List<String> failures = new ArrayList<>();
        Map<String, Integer> features = new TreeMap<>();
        for (Unsupported u : Unsupported.values()) {
            Summary s = runCases(base + u.ordinal(), number, 3, EnumSet.of(u));
            number += 3;
            failures.addAll(s.failures);
            s.features.forEach((f, n) -> features.merge(f, n, Integer::sum));
        }
        System.out.println("[random purge] unsupported features: " + features);
        assertThat(failures).isEmpty();
    }

    static final class Summary {
        final List<String> failures = new ArrayList<>();
        final Map<String, Integer> features = new TreeMap<>();
        int cases;
        int refused;
        long steps;
        long millis;
        long slowest;
        long slowestSeed;
        final Map<String, Long> timings = new TreeMap<>();

        String line(String what) {
            return "[" + what + "] " + cases + " cases (" + refused + " refused by plan), " + failures.size()
                    + " failed, " + steps + " steps, " + String.format("%.1f s", millis / 1000.0) + " (slowest "
                    + slowest + " ms, seed " + slowestSeed + "); ms by phase " + timings + "; features seen: " + features.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        }
    }

    /**
     * Runs cases {@code first .. first + cases - 1} on {@code declutter.random.threads} workers (default 2, each with
     * its own database, so that cases never share the framework schema while they run); stops starting new cases
     * after {@value #MAX_FAILURES} failures.
     */
    static Summary runCases(long base, int first, int cases, Set<Unsupported> switches) throws Exception {
        Summary summary = new Summary();
        long started = System.nanoTime();
        boolean keep = Boolean.getBoolean("declutter.random.keep");
        int threads = Math.max(1, Math.min(cases, Integer.getInteger("declutter.random.threads", 2)));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(first);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            running.add(workers.submit(() -> {
                int done = 0;
                for (int n = next.getAndIncrement(); n < first + cases; n = next.getAndIncrement()) {
                    synchronized (summary) {
                        if (summary.failures.size() >= MAX_FAILURES) {
                            return null;
                        }
                    }
                    if (++done % CASES_PER_DATABASE == 0 && !keep) {
                        renew(worker);
                    }
                    runCase(database(worker), base, first, n, switches, keep, summary);
                }
                return null;
            }));
        }
        try {
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
        } finally {
            workers.shutdownNow();
        }
        summary.millis = (System.nanoTime() - started) / 1_000_000;
        return summary;
    }

    /**
     * When the server restarted under a case (another process restarted it: the case cannot tell), waits for it
     * and says so; the case then runs again from the start. Never used for a failure while the server stayed up.
     */
    private static boolean serverRestarted(ScratchDatabase db, String startedAt) {
        for (int i = 0; i < 120; i++) {
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT pg_postmaster_start_time()::text")) {
                rs.next();
                return !rs.getString(1).equals(startedAt);
            } catch (RuntimeException | java.sql.SQLException down) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static String serverStart(ScratchDatabase db) throws java.sql.SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT pg_postmaster_start_time()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void runCase(ScratchDatabase db, long base, int first, int n, Set<Unsupported> switches,
                                boolean keep, Summary summary) {
        long seed = caseSeed(base, first, n);
        try {
            RandomCase.Outcome o = null;
            for (int attempt = 1; o == null; attempt++) {
                String serverStart = serverStart(db);
                RandomCase c = new RandomCase(db, seed, n, switches, background);
                try {
                    o = c.run(keep);
                    RandomCase done = c;
                    synchronized (summary) {
                        done.timings().forEach((k, v) -> summary.timings.merge(k, v, Long::sum));
                    }
                } catch (Throwable t) {
                    if (attempt < 3 && serverRestarted(db, serverStart)) {
                        System.out.println("[random purge] case " + n + ": the server restarted meanwhile"
                                + " (not this test's doing); running the case again");
                        continue;
                    }
                    throw t;
                }
            }
            synchronized (summary) {
                summary.cases++;
                summary.steps += o.steps();
                if (o.features().stream().anyMatch(f -> f.startsWith("refused:"))) {
                    summary.refused++;
                }
                o.features().forEach(f -> summary.features.merge(f, 1, Integer::sum));
                if (o.millis() > summary.slowest) {
                    summary.slowest = o.millis();
                    summary.slowestSeed = seed;
                }
            }
        } catch (Throwable t) {
            String replay = "case " + n + " failed, seed " + seed + ". Replay it alone with: ./mvnw -B test -pl runner"
                    + " -am -Dtest=RandomPurgeTest#randomCasesKeepEveryInvariant -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Ddeclutter.random.seed=" + seed + " -Ddeclutter.random.cases=1 -Ddeclutter.random.first=" + n
                    + (switches.isEmpty() ? "" : " -Ddeclutter.random.unsupported="
                    + switches.stream().map(Unsupported::tag).collect(Collectors.joining(",")))
                    + "\n" + t.getMessage();
            synchronized (summary) {
                summary.cases++;
                System.out.println("[random purge] " + replay);
                t.printStackTrace(System.out);
                summary.failures.add(replay);
            }
        }
    }
}
