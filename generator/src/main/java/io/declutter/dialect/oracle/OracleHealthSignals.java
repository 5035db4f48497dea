package io.declutter.dialect.oracle;

import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.Resources;
import io.declutter.dialect.SqlHealthSignals;

import java.sql.Connection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Oracle's health signals (docs/throttle.md#oracle): Data Guard apply lag, redo rate, the oldest transaction, blocked
 * and active sessions, one query each under {@code health/} next to this class. Oracle has no autovacuum, no
 * replication slots and no byte-wise apply lag: those read as unknown. Parsed in unit tests; not run on Oracle.
 */
final class OracleHealthSignals extends SqlHealthSignals {

    /** The signals with a query; {@code undo.sql} is parsed and documented but not yet a limit. */
    static final List<HealthSignal> READ = List.of(HealthSignal.REPLICA_LAG, HealthSignal.WAL_RATE,
            HealthSignal.TRANSACTION_AGE, HealthSignal.BLOCKED_SESSIONS, HealthSignal.ACTIVE_SESSIONS);

    OracleHealthSignals(Connection connection) {
        super(connection, queries(), false, "grant it SELECT_CATALOG_ROLE");
    }

    private static Map<HealthSignal, String> queries() {
        Map<HealthSignal, String> queries = new EnumMap<>(HealthSignal.class);
        for (HealthSignal s : READ) {
            queries.put(s, Resources.text(OracleHealthSignals.class, "health/" + s.resource() + ".sql"));
        }
        return queries;
    }
}
