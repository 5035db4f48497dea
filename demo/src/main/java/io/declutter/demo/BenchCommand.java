package io.declutter.demo;

import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.demo.bench.Benchmark;
import io.declutter.demo.bench.BenchmarkReport;
import io.declutter.demo.bench.LoadBenchmark;
import io.declutter.demo.bench.LoadReport;
import io.declutter.demo.bench.WideBenchmark;
import io.declutter.demo.bench.WideReport;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.StandbyPair;
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
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Benchmarks declutter against the usual ways of purging.",
            "On a synthetic multi-tenant SaaS database (105 tables; scale 1 = about 5 million rows), all on the same"
            + " data in one run: declutter with and without backup, hand-written set-based DELETEs (the floor), a per-row"
            + " delete-cascade function, an ORM-style client loop and native ON DELETE CASCADE. Each method purges the same"
            + " tenants on its own fresh copy of the database; every method that finishes must leave exactly the rows the"
            + " floor leaves. Writes a Markdown report to --out. Finds PostgreSQL like the demo. Exits 1 if a check fails.",
            "With --load: the purge under an OLTP workload instead (docs/benchmark.md#under-load), on a primary and a"
            + " streaming standby of its own (started with the PostgreSQL server binaries, removed after): the workload"
            + " idle, then while declutter throttled, declutter unthrottled, the floor and native ON DELETE CASCADE each"
            + " purge; writes <date>-postgres<N>-load.md and latest-load.md."})
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

    @Option(names = "--repeat", defaultValue = "1", description = "rounds of the methods that are not capped (the"
            + " floor, both declutter methods, native cascade), each reported by its median round with every round's"
            + " time (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--threads", defaultValue = "2", description = "sessions loading the data and fingerprinting tables (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "a PostgreSQL database the user may CREATE DATABASE from")
    String jdbcUrl;

    @Option(names = "--load", description = "benchmark the purge under an OLTP workload, with a standby attached"
            + " (--cap and the scaling checks do not apply; --jdbc-url cannot be given: it starts its own servers)")
    boolean load;

    @Option(names = "--wide", description = "the wide scenario instead (docs/benchmark.md#wide): a synthetic schema of"
            + " 1,000 tables and 3,000 foreign keys, one small tenant purged; times introspection, plan, generate,"
            + " deploy and the run phase by phase; writes <date>-postgres<N>-wide.md and latest-wide.md (--seed,"
            + " --batch-size and --out apply)")
    boolean wide;

    @Option(names = "--profile", description = "run on a private server of its own with pg_stat_statements and"
            + " auto_explain preloaded (the memory settings of the server it would otherwise use) and add to the"
            + " report each method's top statements and procedures and the slow statements' plans"
            + " (docs/benchmark.md#profile; needs the server binaries, like --load)")
    boolean profile;

    @Option(names = "--clients", defaultValue = "4", description = "with --load: client sessions of the workload (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--idle", defaultValue = "30s", description = "with --load: how long the workload runs alone for the baseline (default: ${DEFAULT-VALUE})")
    String idle;

    @Option(names = "--jailer", paramLabel = "DIR", description = "also purge with Jailer, the database subsetting"
            + " tool: DIR is a Jailer installation (its release zip unpacked: jailer.jar and lib/), run as a subprocess"
            + " (docs/benchmark.md#jailer); without it the report's Jailer row says it was not run")
    Path jailer;

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
        if (load && wide) {
            throw new UserError(ExitCodes.BAD_INPUT, "--load and --wide are two different benchmarks: give one");
        }
        if (jailer != null && (load || wide)) {
            throw new UserError(ExitCodes.BAD_INPUT, "--jailer applies to the main benchmark, not to --load or --wide");
        }
        if (profile && (load || wide)) {
            throw new UserError(ExitCodes.BAD_INPUT, "--profile profiles the main benchmark: leave out --load and --wide");
        }
        if (repeat < 1 || (repeat > 1 && (load || wide))) {
            throw new UserError(ExitCodes.BAD_INPUT, "--repeat must be at least 1, and applies to the main benchmark"
                    + " only, not to --load or --wide");
        }
        if (repeat > 1 && profile) {
            throw new UserError(ExitCodes.BAD_INPUT, "--profile times every statement with its instrumentation and"
                    + " profiles one round: leave out --repeat");
        }
        if (profile && !StandbyPair.binariesFound()) {
            throw new UserError(ExitCodes.NO_DATABASE, "--profile needs the PostgreSQL server binaries (initdb,"
                    + " pg_ctl) in " + StandbyPair.BIN + ": install the server package or name their directory with"
                    + " -Ddeclutter.pgbin=DIR");
        }
        if (load) {
            return load(w);
        }
        if (wide) {
            return wide(w);
        }
        if (jailer != null
                && (!Files.isRegularFile(jailer.resolve("jailer.jar")) || !Files.isDirectory(jailer.resolve("lib")))) {
            throw new UserError(ExitCodes.BAD_INPUT, "--jailer " + jailer + ": not a Jailer installation (it must hold"
                    + " jailer.jar and lib/, as Jailer's release zip does; docs/benchmark.md#jailer)");
        }
        try (PostgresLocator.Server server = LocalServer.locate(jdbcUrl)) {
            w.println("Using " + server.how());
            Path work = Files.createTempDirectory("declutter-bench");
            Benchmark.Options options = new Benchmark.Options(scale, seed, purgePercent, capDuration, scaling,
                    scalingPercents, batchSize, threads, work, command(), Optional.ofNullable(jailer), repeat);
            Benchmark.Result result = profile ? Benchmark.profiled(server, options, w)
                    : new Benchmark(server, options, w).run();
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

    /** {@code bench --load}: on a primary and standby of its own, the workload idle and under each method. */
    private int load(PrintWriter w) throws Exception {
        if (jdbcUrl != null) {
            throw new UserError(ExitCodes.BAD_INPUT, "--load starts a primary and a standby of its own and cannot use"
                    + " --jdbc-url: leave it out");
        }
        if (clients < 1) {
            throw new UserError(ExitCodes.BAD_INPUT, "--clients must be at least 1");
        }
        Duration idleDuration = io.declutter.config.Durations.parse("--idle", idle);
        if (!StandbyPair.binariesFound()) {
            throw new UserError(ExitCodes.NO_DATABASE, "--load needs the PostgreSQL server binaries (initdb,"
                    + " pg_basebackup) in " + StandbyPair.BIN + ": install the server package or"
                    + " name their directory with -Ddeclutter.pgbin=DIR");
        }
        Path work = Files.createTempDirectory("declutter-bench");
        LoadBenchmark.Options options = new LoadBenchmark.Options(
                scale, seed, purgePercent, batchSize, clients, idleDuration, threads, work, command());
        LoadBenchmark.Result result = new LoadBenchmark(options, w).run();
        Path file = LoadReport.write(result, out);
        w.println();
        w.print(LoadReport.markdown(result));
        w.println();
        w.println("Report written to " + file + " and " + out.resolve("latest-load.md"));
        if (!result.problems().isEmpty()) {
            w.println("Benchmark checks FAILED:");
            result.problems().forEach(p -> w.println("  - " + p));
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    /** {@code bench --wide}: the wide scenario. */
    private int wide(PrintWriter w) throws Exception {
        try (PostgresLocator.Server server = LocalServer.locate(jdbcUrl)) {
            w.println("Using " + server.how());
            Path work = Files.createTempDirectory("declutter-bench");
            WideBenchmark.Result result = new WideBenchmark(server, seed, batchSize, work, command(), w).run();
            Path file = WideReport.write(result, out);
            w.println();
            w.print(WideReport.markdown(result));
            w.println();
            w.println("Report written to " + file + " and " + out.resolve("latest-wide.md"));
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
                if (o.longestName().equals("--load") || o.longestName().equals("--wide")
                        || o.longestName().equals("--profile")) {
                    args.add(o.longestName());
                } else if (o.typeInfo().isBoolean()) {
                    args.add(scaling ? "--scaling" : "--no-scaling");
                } else {
                    args.add(o.longestName() + " " + (v.startsWith("[") ? v.substring(1, v.length() - 1).replace(" ", "") : v));
                }
            }
        });
        return String.join(" ", args);
    }
}
