package io.declutter.dialect;

/**
 * The health signals the runner reads before every unit of work (docs/throttle.md#signals). Each dialect reads each
 * with one cheap query of its own (a resource file next to the dialect) whose rows are {@code subject} (what the value
 * is about: a standby, a slot, a session) and {@code value}, worst first.
 */
public enum HealthSignal {
    /** Replay lag of the standby furthest behind, in milliseconds; no standby: unknown. */
    REPLICA_LAG("replica_lag", true),
    /** WAL bytes the standby furthest behind has not replayed; no standby: unknown. */
    REPLICA_LAG_BYTES("replica_lag_bytes", true),
    /** WAL bytes retained by the replication slot retaining most. */
    SLOT_RETAINED_WAL("slot_retained_wal", false),
    /**
     * WAL (redo) bytes per second. A dialect whose query returns a cumulative counter (PostgreSQL: the current WAL
     * position) has the rate computed from two samples, see {@link SqlHealthSignals}.
     */
    WAL_RATE("wal_rate", false),
    /** Age of the oldest open transaction of another session, idle in transaction included, in milliseconds. */
    TRANSACTION_AGE("transaction_age", false),
    /** Undo blocks in active extents (Oracle: the latest {@code V$UNDOSTAT.ACTIVEBLKS}); PostgreSQL has no undo. */
    UNDO("undo", false),
    /** Vacuums on a purged table, autovacuum or another session's VACUUM (value: 1 per vacuum). */
    AUTOVACUUM("autovacuum", false),
    /** Sessions waiting for a lock the purge's session holds. */
    BLOCKED_SESSIONS("blocked_sessions", false),
    /** Active sessions besides the purge's. */
    ACTIVE_SESSIONS("active_sessions", false),
    /** The user's canary query's latency, in milliseconds (its SQL comes from the job file). */
    CANARY("canary", false);

    private final String resource;
    private final boolean noRowsIsUnknown;

    HealthSignal(String resource, boolean noRowsIsUnknown) {
        this.resource = resource;
        this.noRowsIsUnknown = noRowsIsUnknown;
    }

    /** The file name (without {@code .sql}) of the signal's query under the dialect's {@code health/} resources. */
    public String resource() {
        return resource;
    }

    /** Whether a query returning no rows means the signal cannot be read (no standby), rather than a value of 0. */
    public boolean noRowsIsUnknown() {
        return noRowsIsUnknown;
    }
}
