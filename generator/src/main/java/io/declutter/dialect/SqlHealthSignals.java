package io.declutter.dialect;

import io.declutter.model.Throttle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link HealthSignals} read with one query per signal, each given by the dialect (a resource file returning
 * {@code subject, value}, worst first), and compared here with the job's limits (docs/throttle.md#signals). Keeps the
 * previous sample of a cumulative signal (PostgreSQL's WAL position) to turn two samples into a rate.
 */
public class SqlHealthSignals implements HealthSignals {

    private final Connection connection;
    private final Map<HealthSignal, String> queries;
    private final boolean walIsCumulative;
    private final String privilegeHint;
    private double lastWal = Double.NaN;
    private long lastWalNanos;

    /**
     * @param queries         the SQL of each signal this database can read (a missing one reads as unknown)
     * @param walIsCumulative whether the {@link HealthSignal#WAL_RATE} query returns a counter of bytes written rather
     *                        than a rate
     * @param privilegeHint   what to grant when a value is hidden (the query returns a NULL value)
     */
    protected SqlHealthSignals(Connection connection, Map<HealthSignal, String> queries, boolean walIsCumulative,
                               String privilegeHint) {
        this.connection = connection;
        this.queries = new EnumMap<>(queries);
        this.walIsCumulative = walIsCumulative;
        this.privilegeHint = privilegeHint;
    }

    /** The connection a signal's query runs on: the purge's, unless the dialect reads it elsewhere (a standby). */
    protected Connection connectionFor(HealthSignal signal) throws SQLException {
        return connection;
    }

    /** Binds the parameters of a signal's query, if it has any (PostgreSQL: the purged tables of the vacuum signal). */
    protected void bind(HealthSignal signal, PreparedStatement statement) throws SQLException {
    }

    @Override
    public List<HealthReading> read(Throttle t) {
        List<HealthReading> readings = new ArrayList<>();
        if (!t.readsSignals()) {
            return readings;
        }
        t.maxReplicaLag().ifPresent(max -> readings.add(limit(HealthSignal.REPLICA_LAG, max.toMillis(),
                (s, v) -> "standby " + s + " replay lag " + millis(v), SqlHealthSignals::millis)));
        t.maxReplicaLagBytes().ifPresent(max -> readings.add(limit(HealthSignal.REPLICA_LAG_BYTES, max,
                (s, v) -> "standby " + s + " has " + bytes(v) + " of WAL not replayed", SqlHealthSignals::bytes)));
        t.maxSlotRetainedWal().ifPresent(max -> readings.add(limit(HealthSignal.SLOT_RETAINED_WAL, max,
                (s, v) -> "slot " + s + " retains " + bytes(v) + " of WAL", SqlHealthSignals::bytes)));
        t.maxWalRate().ifPresent(max -> readings.add(walRate(max)));
        t.maxTransactionAge().ifPresent(max -> readings.add(limit(HealthSignal.TRANSACTION_AGE, max.toMillis(),
                (s, v) -> "transaction of " + s + " open for " + millis(v), SqlHealthSignals::millis)));
        t.maxUndoBlocks().ifPresent(max -> readings.add(limit(HealthSignal.UNDO, max,
                (s, v) -> s + " " + Math.round(v) + " blocks in active extents", v -> Math.round(v) + " blocks")));
        if (t.pauseOnAutovacuum()) {
            readings.add(limit(HealthSignal.AUTOVACUUM, 0, (s, v) -> v > 0 ? s
                    : "no vacuum on a purged table", null));
        }
        // Always read with any other signal: no limit to set, a session waiting for the purge is always a reason to wait.
        readings.add(limit(HealthSignal.BLOCKED_SESSIONS, 0, (s, v) -> v > 0 ? count(v) + " waiting for a lock the"
                + " purge holds" : "no session waits for the purge", null));
        t.maxActiveSessions().ifPresent(max -> readings.add(limit(HealthSignal.ACTIVE_SESSIONS, max,
                (s, v) -> count(v) + " active", SqlHealthSignals::count)));
        t.canary().ifPresent(c -> readings.add(canary(c)));
        return readings;
    }

    /** A value read by its query, or why it could not be. */
    private record Value(String subject, Double value, String unknown) {
    }

    private Value query(HealthSignal signal) {
        String sql = queries.get(signal);
        if (sql == null) {
            return new Value(null, null, "not read on this database");
        }
        try (PreparedStatement ps = connectionFor(signal).prepareStatement(sql)) {
            bind(signal, ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return signal.noRowsIsUnknown() ? new Value(null, null, "nothing to read (no standby connected)")
                            : new Value("-", 0.0, null);
                }
                String subject = rs.getString(1);
                double v = rs.getDouble(2);
                if (rs.wasNull()) {
                    return new Value(subject, null, "the value is hidden from this user (" + privilegeHint + ")");
                }
                return new Value(subject, v, null);
            }
        } catch (SQLException e) {
            return new Value(null, null, "cannot be read: " + firstLine(e.getMessage()));
        }
    }

    /** Compares the signal's worst value with {@code max}; {@code format} spells the limit (null: not in the reason). */
    private HealthReading limit(HealthSignal signal, double max, Describe describe, Format format) {
        Value v = query(signal);
        if (v.value() == null) {
            return unknown(signal, v.unknown());
        }
        String what = describe.text(v.subject(), v.value());
        return v.value() > max
                ? new HealthReading(signal, HealthReading.Verdict.HOLD, format == null ? what : what + " > " + format.text(max),
                        v.value())
                : new HealthReading(signal, HealthReading.Verdict.GO, format == null ? what : what + " <= " + format.text(max),
                        v.value());
    }

    private HealthReading walRate(long max) {
        Value v = query(HealthSignal.WAL_RATE);
        if (v.value() == null) {
            return unknown(HealthSignal.WAL_RATE, v.unknown());
        }
        double rate;
        if (walIsCumulative) {
            long now = System.nanoTime();
            double previous = lastWal;
            long previousNanos = lastWalNanos;
            lastWal = v.value();
            lastWalNanos = now;
            if (Double.isNaN(previous) || now == previousNanos) {
                // The first of two samples: no rate yet, the next unit's reading has one.
                return new HealthReading(HealthSignal.WAL_RATE, HealthReading.Verdict.GO, "WAL rate: first sample");
            }
            rate = Math.max(0, v.value() - previous) / ((now - previousNanos) / 1e9);
        } else {
            rate = v.value();
        }
        String what = "WAL rate " + bytes(rate) + "/s";
        return rate > max
                ? new HealthReading(HealthSignal.WAL_RATE, HealthReading.Verdict.HOLD, what + " > " + bytes(max) + "/s", rate)
                : new HealthReading(HealthSignal.WAL_RATE, HealthReading.Verdict.GO, what + " <= " + bytes(max) + "/s", rate);
    }

    /**
     * Runs the user's canary query in a read-only transaction that is rolled back, bounded by a query timeout of
     * twice its latency limit (at least a second): slower than the limit holds, an error is unknown.
     */
    private HealthReading canary(Throttle.Canary c) {
        long started = System.nanoTime();
        boolean autoCommit = true;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement st = connection.createStatement()) {
                st.setQueryTimeout((int) Math.max(1, (c.maxLatency().toMillis() * 2 + 999) / 1000));
                try (ResultSet rs = st.executeQuery(c.sql())) {
                    while (rs.next()) {
                        // read every row: the latency is the whole query's
                    }
                }
            }
            double ms = (System.nanoTime() - started) / 1e6;
            String what = "canary query took " + millis(ms);
            long max = c.maxLatency().toMillis();
            return ms > max
                    ? new HealthReading(HealthSignal.CANARY, HealthReading.Verdict.HOLD, what + " > " + millis(max), ms)
                    : new HealthReading(HealthSignal.CANARY, HealthReading.Verdict.GO, what + " <= " + millis(max), ms);
        } catch (SQLTimeoutException e) {
            double ms = (System.nanoTime() - started) / 1e6;
            return new HealthReading(HealthSignal.CANARY, HealthReading.Verdict.HOLD, "canary query took longer than "
                    + millis(ms) + " (cancelled) > " + millis(c.maxLatency().toMillis()), ms);
        } catch (SQLException e) {
            if ("57014".equals(e.getSQLState())) { // query_canceled: the timeout, as PostgreSQL reports it
                double ms = (System.nanoTime() - started) / 1e6;
                return new HealthReading(HealthSignal.CANARY, HealthReading.Verdict.HOLD, "canary query cancelled after "
                        + millis(ms) + " > " + millis(c.maxLatency().toMillis()), ms);
            }
            return unknown(HealthSignal.CANARY, "the canary query failed: " + firstLine(e.getMessage()));
        } finally {
            try {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // the connection is broken; the next unit of work reports it
            }
        }
    }

    private static HealthReading unknown(HealthSignal signal, String why) {
        return new HealthReading(signal, HealthReading.Verdict.UNKNOWN, signal.name().toLowerCase(Locale.ROOT)
                .replace('_', ' ') + ": " + why);
    }

    @FunctionalInterface
    private interface Describe {
        String text(String subject, double value);
    }

    @FunctionalInterface
    private interface Format {
        String text(double value);
    }

    /** {@code 850ms}, {@code 14s}, {@code 2min5s}. */
    public static String millis(double ms) {
        if (ms < 1000) {
            return Math.round(ms) + "ms";
        }
        long s = Math.round(ms / 1000);
        if (s < 60) {
            return s + "s";
        }
        Duration d = Duration.ofSeconds(s);
        return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "min" : d.toMinutes() + "min" + d.toSecondsPart() + "s";
    }

    /** {@code 512 B}, {@code 12.3 MB} (powers of 1024). */
    public static String bytes(double b) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return u == 0 ? Math.round(b) + " B" : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
    }

    private static String count(double v) {
        long n = Math.round(v);
        return n + (n == 1 ? " session" : " sessions");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
