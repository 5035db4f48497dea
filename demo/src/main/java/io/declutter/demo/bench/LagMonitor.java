package io.declutter.demo.bench;

import io.declutter.localdb.StandbyPair;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Samples the standby's replay lag as the primary reports it ({@code pg_stat_replication}: WAL bytes not replayed and
 * {@code replay_lag}) every 100 ms on a connection of its own, and keeps the largest of each.
 */
final class LagMonitor implements AutoCloseable {

    private final StandbyPair pair;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private Future<?> sampling;
    private volatile long maxBytes;
    private volatile double maxMillis;
    private volatile long samples;

    LagMonitor(StandbyPair pair) {
        this.pair = pair;
    }

    void start() {
        sampling = thread.submit(() -> {
            try (Connection c = pair.connectPrimary("postgres"); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    sample(st);
                    Thread.sleep(100);
                }
                sample(st);
            }
            return null;
        });
    }

    private void sample(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,"
                + " COALESCE(EXTRACT(EPOCH FROM replay_lag) * 1000, 0) FROM pg_stat_replication"
                + " WHERE application_name = '" + StandbyPair.STANDBY_NAME + "'")) {
            if (rs.next()) {
                maxBytes = Math.max(maxBytes, rs.getLong(1));
                maxMillis = Math.max(maxMillis, rs.getDouble(2));
                samples++;
            }
        }
    }

    /** Stops sampling (after one last sample). */
    void stop() throws Exception {
        stop.set(true);
        sampling.get(30, TimeUnit.SECONDS);
    }

    long maxBytes() {
        return maxBytes;
    }

    double maxMillis() {
        return maxMillis;
    }

    long samples() {
        return samples;
    }

    @Override
    public void close() {
        stop.set(true);
        thread.shutdownNow();
    }
}
