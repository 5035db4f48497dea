package io.declutter.demo;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.demo.bench.Benchmark;
import io.declutter.demo.bench.BenchmarkReport;
import io.declutter.localdb.PostgresLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Benchmarks declutter against the usual ways of purging.",
            "On a synthetic multi-tenant SaaS database (105 tables; scale 1 = about 5 million rows), all on the same"
            + " data in one run: declutter with and without backup, hand-written set-based DELETEs (the floor), a per-row"
            + " delete-cascade function, an ORM-style client loop and native ON DELETE CASCADE. Each method purges the same"
            + " tenants on its own fresh copy of the database; every method that finishes must leave exactly the rows the"
            + " floor leaves. Writes a Markdown report to --out. Finds PostgreSQL like the demo. Exits 1 if a check fails."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--scale", defaultValue = "1", description = "size: 1 = about 5 million rows, 10 = 50 million (default: ${DEFAULT-VALUE})")
    double scale;

    @Option(names = "--seed", defaultValue = "42", description = "the data and the tenants purged are a function of it (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--purge-percent", defaultValue = "20", description = "share of the rows purged (default: ${DEFAULT-VALUE})")
    double purgePercent;

    @Option(names = "--cap", defaultValue = "60s", description = "time cap of the slow methods (per-row function, ORM loop), extrapolated beyond (default: ${DEFAULT-VALUE})")
    String cap;

    @Option(names = "--scaling", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also run the scaling checks on a database 4 times smaller (scale / 4): the same purge there and on the main database, and purges of --scaling-percents of its rows (default: on; --no-scaling skips them)")
    boolean scaling;

    @Option(names = "--scaling-percents", split = ",", defaultValue = "1,10,50", description = "purge sizes of the scaling checks (default: ${DEFAULT-VALUE})")
    List<Double> scalingPercents;

    @Option(names = "--batch-size", defaultValue = "5000", description = "declutter's batch size (default: ${DEFAULT-VALUE}, the job default)")
    int batchSize;

    @Option(names = "--threads", defaultValue = "2", description = "sessions loading the data and fingerprinting tables (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "a PostgreSQL database the user may CREATE DATABASE from")
    String jdbcUrl;

    @Option(names = "--out", defaultValue = "bench/results", description = "where the report goes (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        if (scale <= 0 || purgePercent <= 0 || purgePercent >= 100 || batchSize < 1) {
            throw new UserError(ExitCodes.BAD_INPUT, "--scale must be positive, --purge-percent between 0 and 100,"
                    + " --batch-size at least 1");
        }
        Duration capDuration = io.declutter.config.Durations.parse("--cap", cap);
        try (PostgresLocator.Server server = LocalServer.locate(jdbcUrl)) {
            w.println("Using " + server.how());
            Path work = Files.createTempDirectory("declutter-bench");
            Benchmark.Options options = new Benchmark.Options(scale, seed, purgePercent, capDuration, scaling,
                    scalingPercents, batchSize, threads, work, command());
            Benchmark.Result result = new Benchmark(server, options, w).run();
            Path file = BenchmarkReport.write(result, out);
            w.println();
            w.print(BenchmarkReport.markdown(result));
            w.println();
            w.println("Report written to " + file + " and " + out.resolve("latest.md"));
            if (!result.problems().isEmpty()) {
                w.println("Benchmark checks FAILED:");
                result.problems().forEach(p -> w.println("  - " + p));
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }

    /** The command line that reproduces this run (options as given; the URL left out). */
    private String command() {
        List<String> args = new ArrayList<>(List.of("./declutter", "bench"));
        spec.commandLine().getParseResult().matchedOptions().forEach(o -> {
            if (!o.longestName().equals("--jdbc-url")) {
                String v = o.typedValues().isEmpty() ? "" : String.valueOf((Object) o.getValue());
                if (o.typeInfo().isBoolean()) {
                    args.add(scaling ? "--scaling" : "--no-scaling");
                } else {
                    args.add(o.longestName() + " " + (v.startsWith("[") ? v.substring(1, v.length() - 1).replace(" ", "") : v));
                }
            }
        });
        return String.join(" ", args);
    }
}
