package io.declutter.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The job file's {@code throttle} section (docs/throttle.md): the limits on the database's health signals above which
 * the runner holds before its next unit of work, what an unreadable signal means, and the adaptive batch size. Every
 * limit is optional; a signal without a limit is not read.
 *
 * @param maxReplicaLag      longest replay lag of any standby in {@code pg_stat_replication}
 * @param maxReplicaLagBytes most WAL bytes any standby has not replayed
 * @param maxSlotRetainedWal most WAL bytes a replication slot retains
 * @param maxWalRate         most WAL bytes per second, between two samples
 * @param maxTransactionAge  oldest open transaction of another session (idle in transaction included)
 * @param pauseOnAutovacuum  hold while a vacuum (autovacuum, or another session's VACUUM) works on a purged table
 * @param maxActiveSessions  most active sessions besides the purge's
 * @param canary             a query of the user's and its latency limit
 * @param onUnknown          what a signal that cannot be read means: go (the default) or hold
 * @param targetBatchTime    time each delete batch aims at; empty: every batch has the job's batch size
 * @param minBatchSize       smallest adaptive batch size
 * @param maxBatchSize       largest adaptive batch size
 * @param maxUndoBlocks      most undo blocks in active extents (Oracle: {@code V$UNDOSTAT.ACTIVEBLKS})
 * @param standbyUrl         JDBC URL of a standby where {@code maxReplicaLag} is read (Oracle: its
 *                           {@code V$DATAGUARD_STATS}), logged into as the job's database settings say
 */
public record Throttle(Optional<Duration> maxReplicaLag, OptionalLong maxReplicaLagBytes,
                       OptionalLong maxSlotRetainedWal, OptionalLong maxWalRate, Optional<Duration> maxTransactionAge,
                       boolean pauseOnAutovacuum, OptionalInt maxActiveSessions, Optional<Canary> canary,
                       OnUnknown onUnknown, Optional<Duration> targetBatchTime, int minBatchSize, int maxBatchSize,
                       OptionalLong maxUndoBlocks, Optional<String> standbyUrl) {

    /** Credentials in a standby URL: a password parameter, or Oracle's {@code user/password@} form. */
    private static final java.util.regex.Pattern CREDENTIALS = java.util.regex.Pattern.compile(
            "(?i).*(password=|jdbc:oracle:[a-z0-9]+:[^@/]*/[^@]*@|//[^/@]*:[^/@]*@).*");

    public static final int DEFAULT_MIN_BATCH_SIZE = 100;
    public static final int DEFAULT_MAX_BATCH_SIZE = 100_000;

    /** No limits: the runner never holds and every batch has the job's batch size. */
    public static final Throttle NONE = new Throttle(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), Optional.empty(), false, OptionalInt.empty(), Optional.empty(), OnUnknown.GO,
            Optional.empty(), DEFAULT_MIN_BATCH_SIZE, DEFAULT_MAX_BATCH_SIZE, OptionalLong.empty(), Optional.empty());

    /** Without the Oracle-only limits (undo, a standby's URL). */
    public Throttle(Optional<Duration> maxReplicaLag, OptionalLong maxReplicaLagBytes, OptionalLong maxSlotRetainedWal,
                    OptionalLong maxWalRate, Optional<Duration> maxTransactionAge, boolean pauseOnAutovacuum,
                    OptionalInt maxActiveSessions, Optional<Canary> canary, OnUnknown onUnknown,
                    Optional<Duration> targetBatchTime, int minBatchSize, int maxBatchSize) {
        this(maxReplicaLag, maxReplicaLagBytes, maxSlotRetainedWal, maxWalRate, maxTransactionAge, pauseOnAutovacuum,
                maxActiveSessions, canary, onUnknown, targetBatchTime, minBatchSize, maxBatchSize, OptionalLong.empty(),
                Optional.empty());
    }

    /** What a signal that cannot be read (no standby, no privilege, a failing canary) means. */
    public enum OnUnknown { GO, HOLD }

    /** A query of the user's run before every unit; slower than {@code maxLatency} (or failing) holds. */
    public record Canary(String sql, Duration maxLatency) {
        public Canary {
            Objects.requireNonNull(sql, "sql");
            Objects.requireNonNull(maxLatency, "maxLatency");
            if (sql.isBlank()) {
                throw new InvalidJobException("throttle.canary.sql is empty; write a cheap query of the application's,"
                        + " e.g. \"SELECT 1 FROM app.tenants LIMIT 1\"");
            }
            if (maxLatency.isZero() || maxLatency.isNegative()) {
                throw new InvalidJobException("throttle.canary.maxLatency must be more than 0 (e.g. 200ms)");
            }
        }
    }

    public Throttle {
        Objects.requireNonNull(onUnknown, "onUnknown");
        positive("maxReplicaLag", maxReplicaLag);
        positive("maxTransactionAge", maxTransactionAge);
        positive("targetBatchTime", targetBatchTime);
        positive("maxReplicaLagBytes", maxReplicaLagBytes);
        positive("maxSlotRetainedWal", maxSlotRetainedWal);
        positive("maxWalRate", maxWalRate);
        positive("maxUndoBlocks", maxUndoBlocks);
        Objects.requireNonNull(standbyUrl, "standbyUrl");
        if (standbyUrl.isPresent()) {
            String url = standbyUrl.get().strip();
            if (!url.startsWith("jdbc:")) {
                throw new InvalidJobException("throttle.standbyUrl: '" + url + "' is not a JDBC URL; write the"
                        + " standby's URL as for database.url, e.g. jdbc:oracle:thin:@//standby.example.com:1521/APPPDB");
            }
            if (CREDENTIALS.matcher(url).matches()) {
                throw new InvalidJobException("throttle.standbyUrl must not hold a password: the standby is"
                        + " logged into with database.user and the password of database.passwordEnv or"
                        + " database.passwordFile, as the database is; remove them from the URL");
            }
            if (maxReplicaLag.isEmpty()) {
                throw new InvalidJobException("throttle.standbyUrl names where maxReplicaLag is read (Oracle: the"
                        + " standby's V$DATAGUARD_STATS); give throttle.maxReplicaLag too, e.g. 30s");
            }
        }
        if (maxActiveSessions.isPresent() && maxActiveSessions.getAsInt() < 1) {
            throw new InvalidJobException("throttle.maxActiveSessions must be at least 1");
        }
        if (minBatchSize < 1) {
            throw new InvalidJobException("throttle.minBatchSize must be at least 1");
        }
        if (maxBatchSize < minBatchSize) {
            throw new InvalidJobException("throttle.maxBatchSize (" + maxBatchSize + ") is smaller than minBatchSize ("
                    + minBatchSize + ")");
        }
    }

    /** Whether any health signal has a limit (else the runner reads none). */
    public boolean readsSignals() {
        return maxReplicaLag.isPresent() || maxReplicaLagBytes.isPresent() || maxSlotRetainedWal.isPresent()
                || maxWalRate.isPresent() || maxTransactionAge.isPresent() || pauseOnAutovacuum
                || maxActiveSessions.isPresent() || canary.isPresent() || maxUndoBlocks.isPresent();
    }

    /** Whether delete batches adapt their size to {@link #targetBatchTime}. */
    public boolean adaptive() {
        return targetBatchTime.isPresent();
    }

    /** The limits as the job file writes them, for the runner's log: {@code maxReplicaLag 10s, onUnknown go, ...}. */
    public String summary() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        maxReplicaLag.ifPresent(d -> parts.add("maxReplicaLag " + d.toMillis() + "ms"));
        maxReplicaLagBytes.ifPresent(n -> parts.add("maxReplicaLagBytes " + n));
        maxSlotRetainedWal.ifPresent(n -> parts.add("maxSlotRetainedWal " + n));
        maxWalRate.ifPresent(n -> parts.add("maxWalRate " + n + "/s"));
        maxTransactionAge.ifPresent(d -> parts.add("maxTransactionAge " + d.toMillis() + "ms"));
        if (pauseOnAutovacuum) {
            parts.add("pauseOnAutovacuum");
        }
        maxActiveSessions.ifPresent(n -> parts.add("maxActiveSessions " + n));
        maxUndoBlocks.ifPresent(n -> parts.add("maxUndoBlocks " + n));
        standbyUrl.ifPresent(u -> parts.add("standbyUrl " + u));
        canary.ifPresent(c -> parts.add("canary maxLatency " + c.maxLatency().toMillis() + "ms"));
        parts.add("onUnknown " + onUnknown.name().toLowerCase(java.util.Locale.ROOT));
        targetBatchTime.ifPresent(d -> parts.add("targetBatchTime " + d.toMillis() + "ms, batch size " + minBatchSize
                + " to " + maxBatchSize));
        return String.join(", ", parts);
    }

    private static void positive(String name, Optional<Duration> d) {
        if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
            throw new InvalidJobException("throttle." + name + " must be more than 0");
        }
    }

    private static void positive(String name, OptionalLong n) {
        if (n.isPresent() && n.getAsLong() < 1) {
            throw new InvalidJobException("throttle." + name + " must be more than 0");
        }
    }
}
