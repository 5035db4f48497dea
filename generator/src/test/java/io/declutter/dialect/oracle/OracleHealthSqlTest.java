package io.declutter.dialect.oracle;

import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.Resources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oracle's health-signal queries (docs/throttle.md#oracle) parse with PMD's PL/SQL parser and return the columns
 * every dialect's signal queries return. Not run on Oracle: no Oracle server here.
 */
class OracleHealthSqlTest {

    private static final List<String> FILES = List.of("replica_lag", "wal_rate", "transaction_age", "undo",
            "blocked_sessions", "active_sessions");

    @Test
    void everyQueryParses() throws Exception {
        try (PlsqlParser parser = new PlsqlParser()) {
            assertThat(parser.error("broken.sql", "SELEC 'x' AS subject FROM v$session;\n")).as("the parser rejects")
                    .isPresent();
            for (String name : FILES) {
                String sql = Resources.text(OracleHealthSignals.class, "health/" + name + ".sql");
                assertThat(parser.error(name + ".sql", sql.strip() + ";\n")).as(name).isEmpty();
                assertThat(sql).as(name).contains(" AS subject").contains(" AS value").doesNotContain(";");
            }
        }
    }

    @Test
    void everySignalOracleReadsHasItsQuery() {
        for (HealthSignal s : OracleHealthSignals.READ) {
            assertThat(FILES).contains(s.resource());
        }
        assertThat(OracleHealthSignals.READ).doesNotContain(HealthSignal.AUTOVACUUM, HealthSignal.SLOT_RETAINED_WAL,
                HealthSignal.REPLICA_LAG_BYTES);
    }
}
