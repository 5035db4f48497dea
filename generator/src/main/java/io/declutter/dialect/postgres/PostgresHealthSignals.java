package io.declutter.dialect.postgres;

import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.Resources;
import io.declutter.dialect.SqlHealthSignals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's health signals (docs/throttle.md#signals): one query each, under {@code health/} next to this class;
 * the WAL rate from two samples of the WAL position.
 */
final class PostgresHealthSignals extends SqlHealthSignals {

    private static final Map<HealthSignal, String> QUERIES = queries();

    private final List<String> purgedTables;

    PostgresHealthSignals(Connection connection, List<String> purgedTables) {
        super(connection, QUERIES, true, "grant it pg_monitor");
        this.purgedTables = List.copyOf(purgedTables);
    }

    @Override
    protected void bind(HealthSignal signal, PreparedStatement statement) throws SQLException {
        if (signal == HealthSignal.AUTOVACUUM) {
            statement.setArray(1, statement.getConnection().createArrayOf("text", purgedTables.toArray()));
        }
    }

    private static Map<HealthSignal, String> queries() {
        Map<HealthSignal, String> queries = new EnumMap<>(HealthSignal.class);
        for (HealthSignal s : HealthSignal.values()) {
            if (s != HealthSignal.CANARY && s != HealthSignal.UNDO) { // no undo in PostgreSQL: unknown if limited
                queries.put(s, Resources.text(PostgresHealthSignals.class, "health/" + s.resource() + ".sql"));
            }
        }
        return queries;
    }
}
