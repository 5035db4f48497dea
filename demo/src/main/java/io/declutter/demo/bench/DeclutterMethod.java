package io.declutter.demo.bench;

import io.declutter.runner.cli.DeclutterCommand;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * declutter itself: the job is planned, generated and deployed (untimed, reported apart), then {@code declutter run}
 * is timed: cache and back up the closure, then delete it in batches, one transaction per batch. The VACUUM a
 * complete run ends with is skipped ({@code --no-vacuum}): no other method vacuums.
 */
final class DeclutterMethod implements PurgeMethod {

    static final String JOB = "bench_purge";

    private final boolean backup;
    private final String title;
    private final String throttle;
    private Path jobFile;
    private Duration deployTime;
    private Duration rehearsalTime;
    private long backupBytesBefore;
    private String planOutput;
    private List<RunPhases.Phase> phases = List.of();

    DeclutterMethod(boolean backup) {
        this(backup, backup ? "declutter, with backup" : "declutter, without backup", "");
    }

    /**
     * @param title    its name in the report
     * @param throttle the job file's {@code throttle:} section (docs/throttle.md), or "" for none
     */
    DeclutterMethod(boolean backup, String title, String throttle) {
        this.backup = backup;
        this.title = title;
        this.throttle = throttle;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String description() {
        if (!throttle.isEmpty()) {
            return "`declutter run` with backup and the `throttle:` section below: before every unit of work it reads"
                    + " the standby's replay lag and holds while it is over a limit; delete batches aim at a target time";
        }
        return backup ? "`declutter run`: cache and back up the full rows (root to leaves), then delete in batches"
                + " (leaves to root), one transaction per batch; rollback possible"
                : "`declutter run` with `backup: false`: only the keys are cached, then the same batched delete; no rollback";
    }

    Duration deployTime() {
        return deployTime;
    }

    /** The rehearsal a new run makes before it starts (the job's default sample, rolled back), timed apart. */
    Duration rehearsalTime() {
        return rehearsalTime;
    }

    /** The last run's phases from declutter.log, and the rest of its wall time (RunPhases). */
    List<RunPhases.Phase> phases() {
        return phases;
    }

    String planOutput() {
        return planOutput;
    }

    @Override
    public String prepare(BenchDatabase db, Purge purge) throws Exception {
        Path dir = Files.createDirectories(purge.work().resolve(title.replaceAll("[^A-Za-z0-9]+", "-")));
        jobFile = writeJob(dir, purge);
        long t0 = System.nanoTime();
        planOutput = cli("plan", "-j", jobFile.toString(), "--jdbc-url", db.url());
        cli("generate", "-j", jobFile.toString(), "--jdbc-url", db.url(), "-o", dir.resolve("generated").toString());
        java.io.PrintStream stdout = System.out;
        try {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // Liquibase's update summary
            cli("deploy", "-j", jobFile.toString(), "--jdbc-url", db.url(), "--dir", dir.resolve("generated").toString());
        } finally {
            System.setOut(stdout);
        }
        deployTime = Duration.ofNanos(System.nanoTime() - t0);
        // A new run rehearses first (docs/design.md#rehearsal): the job's default sample of 100 root rows is more
        // than the tenants purged here, so the rehearsal alone would repeat the whole purge (and its WAL) inside the
        // timed run. It is a pre-flight, so it is timed here, apart, and the job file says rehearse: false.
        long t1 = System.nanoTime();
        cli("plan", "-j", jobFile.toString(), "--jdbc-url", db.url(), "--rehearse");
        rehearsalTime = Duration.ofNanos(System.nanoTime() - t1);
        // The rehearsal's rolled-back rows stay in the backup tables as dead tuples: the backup's size is what the
        // run adds.
        backupBytesBefore = backupBytes(db);
        return String.format("plan + generate + deploy: %.1f s; rehearsal: %.1f s", deployTime.toMillis() / 1000.0,
                rehearsalTime.toMillis() / 1000.0);
    }

    private Path writeJob(Path dir, Purge purge) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("job: ").append(JOB).append('\n');
        y.append("root:\n  table: ").append(Purge.ROOT).append("\n  where: \"").append(Purge.PREDICATE).append("\"\n");
        y.append("batchSize: ").append(purge.batchSize()).append('\n');
        y.append("backup: ").append(backup).append('\n');
        y.append("rehearse: false\n"); // rehearsed apart, in prepare
        y.append("timeouts:\n  lock: 5s\n  statement: 60min\n");
        y.append(throttle);
        y.append("database:\n");
        purge.server().user().ifPresent(u -> y.append("  user: ").append(u).append('\n'));
        Optional<String> pw = purge.server().password();
        if (pw.isPresent()) {
            Path f = dir.resolve("password");
            Files.writeString(f, pw.get());
            y.append("  passwordFile: ").append(f).append('\n');
        }
        Path file = dir.resolve(JOB + ".yaml");
        Files.writeString(file, y);
        return file;
    }

    static String cli(String... args) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        int code = DeclutterCommand.commandLine().setOut(w).setErr(w).execute(args);
        w.flush();
        if (code != 0) {
            throw new IllegalStateException("declutter " + String.join(" ", args) + " exited " + code + ":\n" + text);
        }
        return text.toString();
    }

    @Override
    public Outcome run(BenchDatabase db, Purge purge) throws Exception {
        java.time.Instant t0 = java.time.Instant.now();
        cli("run", "-j", jobFile.toString(), "--jdbc-url", db.url(), "--ignore-window", "--no-vacuum");
        phases = RunPhases.of(db, t0, java.time.Instant.now());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            Duration longest;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(max(extract(epoch FROM ended_at - started_at)), 0)"
                    + " FROM declutter.log WHERE action NOT IN ('begin', 'end')")) {
                rs.next();
                longest = Duration.ofMillis(Math.round(rs.getDouble(1) * 1000));
            }
            long bytes = backupBytes(db) - backupBytesBefore;
            return new Outcome(true, -1, longest, bytes, null);
        }
    }

    /** {@code declutter verify} of the run (docs/design.md#verify): throws unless it passes. */
    void verify(BenchDatabase db) {
        cli("verify", "-j", jobFile.toString(), "--jdbc-url", db.url());
    }

    private static long backupBytes(BenchDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                     + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'declutter' AND c.relkind = 'r'"
                     + " AND c.relname LIKE 'bk\\_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The unindexed-FK lines of plan's report. */
    List<String> unindexedFindings() {
        List<String> lines = new ArrayList<>();
        if (planOutput != null) {
            for (String l : planOutput.split("\n")) {
                if (l.toLowerCase(java.util.Locale.ROOT).contains("unindexed") || l.contains("CREATE INDEX")) {
                    lines.add(l.strip());
                }
            }
        }
        return lines;
    }
}
