package io.declutter.dialect.oracle;

import io.declutter.dialect.HealthReading;
import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.Resources;
import io.declutter.dialect.SqlHealthSignals;
import io.declutter.model.Throttle;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Oracle's health signals (docs/throttle.md#oracle): Data Guard apply lag, redo rate, the oldest transaction, undo in
 * active extents, blocked and active sessions, one query each under {@code health/} next to this class. The apply lag
 * is read where the job's {@code throttle.standbyUrl} says, through a connection of its own logged into with the job's
 * database settings (V$DATAGUARD_STATS shows it on the standby), else on the purge's connection. Oracle has no
 * autovacuum, no replication slots and no byte-wise apply lag: those read as unknown. Parsed in unit tests; not run
 * on Oracle.
 */
final class OracleHealthSignals extends SqlHealthSignals {

    /** The signals with a query. */
    static final List<HealthSignal> READ = List.of(HealthSignal.REPLICA_LAG, HealthSignal.WAL_RATE,
            HealthSignal.TRANSACTION_AGE, HealthSignal.UNDO, HealthSignal.BLOCKED_SESSIONS,
            HealthSignal.ACTIVE_SESSIONS);

    private final Connector others;
    private Optional<String> standbyUrl = Optional.empty();
    private Connection standby;
    private String standbyOf;

    OracleHealthSignals(Connection connection, Connector others) {
        super(connection, queries(), false, "grant it SELECT_CATALOG_ROLE");
        this.others = others;
    }

    private static Map<HealthSignal, String> queries() {
        Map<HealthSignal, String> queries = new EnumMap<>(HealthSignal.class);
        for (HealthSignal s : READ) {
            queries.put(s, Resources.text(OracleHealthSignals.class, "health/" + s.resource() + ".sql"));
        }
        return queries;
    }

    /** The throttle says, each time, where the apply lag is read (the job file can change during a run). */
    @Override
    public List<HealthReading> read(Throttle throttle) {
        standbyUrl = throttle.standbyUrl();
        return super.read(throttle);
    }

    /**
     * The standby's connection for the apply lag, opened on first use and again after it broke or the URL changed; a
     * standby that cannot be reached makes the signal unknown (onUnknown decides), never the purge fail.
     */
    @Override
    protected Connection connectionFor(HealthSignal signal) throws SQLException {
        if (signal != HealthSignal.REPLICA_LAG || standbyUrl.isEmpty()) {
            return super.connectionFor(signal);
        }
        String url = standbyUrl.get();
        if (standby != null && (!url.equals(standbyOf) || !standby.isValid(5))) {
            close();
        }
        if (standby == null) {
            if (others == null) {
                throw new SQLException("throttle.standbyUrl is given, but this runner cannot open other connections");
            }
            try {
                standby = others.open(url);
            } catch (RuntimeException e) {
                throw new SQLException("standby " + url + ": " + e.getMessage(), e);
            }
            standbyOf = url;
        }
        return standby;
    }

    @Override
    public void close() {
        if (standby != null) {
            try {
                standby.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing more to do
            }
            standby = null;
            standbyOf = null;
        }
    }
}
