package io.declutter.localdb;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary and a streaming standby of its own, for the throttle's tests (docs/throttle.md#tests) and the
 * benchmark under load (docs/benchmark.md#under-load): {@code initdb} of a primary on a free port,
 * {@code pg_basebackup -R} of a standby on another, both started, and both stopped and removed on close. Run as root,
 * every server command runs as the {@code postgres} OS user. The standby's replay can be paused
 * ({@code pg_wal_replay_pause()}) to make its lag deterministic. {@link #startPrimaryOnly} starts the primary
 * alone: a private server with settings of its own (the benchmark's {@code --profile}, docs/benchmark.md#profile).
 */
public final class StandbyPair implements AutoCloseable {

    public static final Path BIN = Path.of(System.getProperty("declutter.pgbin", "/usr/lib/postgresql/15/bin"));
    public static final String STANDBY_NAME = "replica1";

    private final Path dir;
    private final int primaryPort;
    private final int standbyPort;
    private final boolean root;
    private final boolean withStandby;
    private final List<Path> started = new ArrayList<>();
    /** Stops and removes the servers if the JVM exits before {@link #close} (a benchmark interrupted with Ctrl-C). */
    private final Thread onExit = new Thread(this::stopAndRemove, "standby-pair-cleanup");
    private boolean closed;

    private StandbyPair(Path dir, int primaryPort, int standbyPort, boolean root, boolean withStandby) {
        this.dir = dir;
        this.withStandby = withStandby;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
        this.root = root;
    }

    /**
     * The primary's settings for tests: small, without fsync, and without autovacuum, so that nothing but the test
     * writes WAL or vacuums.
     */
    public static final List<String> TEST_SETTINGS = List.of("fsync = off", "shared_buffers = 32MB", "autovacuum = off");

    /** Whether the server binaries {@link #start} needs are there ({@code -Ddeclutter.pgbin=DIR} names them). */
    public static boolean binariesFound() {
        return Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_basebackup"));
    }

    /** Starts a primary with the test settings and its standby; waits until the standby streams. */
    public static StandbyPair start() throws Exception {
        return start(TEST_SETTINGS);
    }

    /**
     * Starts a primary and its standby; waits until the standby streams.
     *
     * @param settings lines of {@code postgresql.conf} for the primary (the standby copies them), after the ones every
     *                 pair has (its address, port, socket directory and streaming replication)
     */
    public static StandbyPair start(List<String> settings) throws Exception {
        return start(settings, true);
    }

    /**
     * Starts the primary alone, without a standby ({@link #standbyUrl} then names no server), stopped and removed on
     * close like a pair.
     *
     * @param settings lines of {@code postgresql.conf}, as for {@link #start(List)}
     */
    public static StandbyPair startPrimaryOnly(List<String> settings) throws Exception {
        return start(settings, false);
    }

    private static StandbyPair start(List<String> settings, boolean withStandby) throws Exception {
        if (!binariesFound()) {
            throw new IllegalStateException("no PostgreSQL server binaries (initdb, pg_basebackup) in " + BIN
                    + ": install them or name their directory with -Ddeclutter.pgbin=DIR");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        // under /tmp: the socket path has a length limit
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "declutter-standby-");
        StandbyPair pair = new StandbyPair(dir, freePort(), freePort(), root, withStandby);
        Runtime.getRuntime().addShutdownHook(pair.onExit);
        try {
            pair.setUp(settings);
            return pair;
        } catch (Exception e) {
            pair.close();
            throw e;
        }
    }

    private void setUp(List<String> settings) throws Exception {
        if (root) {
            exec(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        Path primary = dir.resolve("primary");
        Path standby = dir.resolve("standby");
        exec(List.of(BIN.resolve("initdb").toString(), "-D", primary.toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"), true);
        List<String> conf = new ArrayList<>(List.of(
                "listen_addresses = '127.0.0.1'",
                "port = " + primaryPort,
                "unix_socket_directories = '" + dir + "'",
                "wal_level = replica",
                "max_wal_senders = 4",
                "synchronous_commit = on"));
        conf.addAll(settings);
        conf.add("");
        Files.writeString(primary.resolve("postgresql.auto.conf"), String.join("\n", conf), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        pgCtl(primary, "start");
        if (!withStandby) {
            return;
        }
        exec(List.of(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(primaryPort),
                "-U", "postgres", "-D", standby.toString(), "-R", "-X", "stream", "--no-sync"), true);
        // After pg_basebackup's own settings, so these win: the standby's port, its name in pg_stat_replication,
        // and a status message every second so the primary's lag figures follow a paused replay closely.
        Files.writeString(standby.resolve("postgresql.auto.conf"), String.join("\n",
                "port = " + standbyPort,
                "primary_conninfo = 'host=127.0.0.1 port=" + primaryPort + " user=postgres application_name="
                        + STANDBY_NAME + "'",
                "wal_receiver_status_interval = 1s",
                "hot_standby = on",
                ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        pgCtl(standby, "start");
        awaitTrue(primaryUrl("postgres"), "SELECT count(*) = 1 FROM pg_stat_replication WHERE application_name = '"
                + STANDBY_NAME + "' AND state = 'streaming'", Duration.ofSeconds(60), "the standby streams");
    }

    private void pgCtl(Path data, String action) throws Exception {
        exec(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data + ".log", "-w", "-t", "60",
                action), true);
        started.add(data);
    }

    /** The primary's server log ({@code pg_ctl -l}): what it logged since it started. */
    public Path primaryLog() {
        return dir.resolve("primary.log");
    }

    public String primaryUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + "/" + database;
    }

    public String standbyUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + standbyPort + "/" + database;
    }

    /** The primary as a server the tests' helpers ({@code ScratchDatabase}) can create databases on. */
    public PostgresLocator.Server primary() {
        return new PostgresLocator.Server(primaryUrl("postgres"), Optional.of("postgres"), Optional.empty(),
                "test primary on port " + primaryPort, () -> { });
    }

    public Connection connectPrimary(String database) {
        return primary().connect(primaryUrl(database));
    }

    public Connection connectStandby(String database) {
        return primary().connect(standbyUrl(database));
    }

    /** Pauses the standby's replay and waits until it is paused. */
    public void pauseReplay() throws Exception {
        try (Connection c = connectStandby("postgres"); Statement st = c.createStatement()) {
            st.execute("SELECT pg_wal_replay_pause()");
        }
        awaitTrue(standbyUrl("postgres"), "SELECT pg_get_wal_replay_pause_state() = 'paused'", Duration.ofSeconds(30),
                "replay is paused");
    }

    public void resumeReplay() throws Exception {
        try (Connection c = connectStandby("postgres"); Statement st = c.createStatement()) {
            st.execute("SELECT pg_wal_replay_resume()");
        }
    }

    /** Waits until the standby has replayed everything the primary has written so far. */
    public void awaitCaughtUp() throws Exception {
        String lsn;
        try (Connection c = connectPrimary("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            lsn = rs.getString(1);
        }
        awaitTrue(standbyUrl("postgres"), "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn",
                Duration.ofSeconds(60), "the standby replays up to " + lsn);
    }

    /** Polls {@code sql} (one boolean) until it is true; fails after {@code limit}, saying what did not happen. */
    public void awaitTrue(String url, String sql, Duration limit, String what) throws Exception {
        Instant until = Instant.now().plus(limit);
        while (true) {
            try (Connection c = primary().connect(url); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(sql)) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            } catch (IllegalStateException | SQLException e) {
                // not up yet
            }
            if (Instant.now().isAfter(until)) {
                throw new IllegalStateException("waited " + limit.toSeconds() + " s in vain until " + what);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook does it
        }
        stopAndRemove();
    }

    private synchronized void stopAndRemove() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                exec(List.of(BIN.resolve("pg_ctl").toString(), "-D", started.get(i).toString(), "-m", "immediate",
                        "-w", "stop"), true);
            } catch (Exception e) {
                System.err.println("[StandbyPair] could not stop " + started.get(i) + ": " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[StandbyPair] could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** Runs a server command (as the postgres OS user when this JVM runs as root) and fails with its output. */
    private void exec(List<String> command, boolean asPostgres) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgres && root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile("declutter-standby", ".out");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
                    .directory(dir.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not end within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " exited with " + p.exitValue() + ":\n"
                        + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
