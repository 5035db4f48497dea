package io.declutter.dialect.oracle;

import io.declutter.dialect.HealthSignal;
import io.declutter.dialect.RefusedException;
import io.declutter.dialect.Resources;
import io.declutter.model.StartWhen;
import io.declutter.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Oracle's start thresholds and undo signal (docs/throttle.md#oracle): the queries as text, parsed by PMD's PL/SQL
 * parser, and the thresholds Oracle has no equivalent of refused by name with the alternative. Not run on Oracle: no
 * Oracle server here.
 */
class OracleStartSqlTest {

    private static final TableName ROOT = new TableName("APP", "TENANTS");

    @Test
    void rootRowsAreCountedWithTheRootPredicateUpToTheThreshold() {
        assertThat(OracleStartChecks.rootRowsSql(OracleDialect.latest(), OracleScenarios.demoJob(), ROOT))
                .endsWith("SELECT COUNT(*) FROM (SELECT 1 FROM APP.TENANTS c WHERE (status = 'closed' AND closed_at <"
                        + " SYSTIMESTAMP - INTERVAL '90' DAY) AND ROWNUM <= ?)\n");
    }

    @Test
    void everyQueryParses() throws Exception {
        try (PlsqlParser parser = new PlsqlParser()) {
            String rootRows = OracleStartChecks.rootRowsSql(OracleDialect.latest(), OracleScenarios.demoJob(), ROOT);
            for (String sql : new String[] {rootRows, OracleStartChecks.TABLE_SIZE, OracleStartChecks.TABLE_SIZE_OWN,
                    Resources.text(OracleHealthSignals.class, "health/undo.sql")}) {
                String named = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n")
                        .replace("?", ":p");
                assertThat(parser.error("start.sql", named.strip() + ";\n")).as(sql).isEmpty();
            }
            assertThat(parser.error("broken.sql", "SELECT COUNT(*) FROM (SELECT 1 FROM t WHERE ROWNUM <=);\n"))
                    .as("the parser rejects").isPresent();
        }
    }

    @Test
    void tableSizeCountsTheTableItsIndexesAndItsLobs() {
        assertThat(OracleStartChecks.TABLE_SIZE).contains("FROM dba_segments s").contains("FROM dba_indexes i")
                .contains("SELECT l.owner, l.segment_name FROM dba_lobs l").contains("SELECT l.owner, l.index_name");
        assertThat(OracleStartChecks.TABLE_SIZE.chars().filter(c -> c == '?').count()).isEqualTo(8);
        assertThat(OracleStartChecks.TABLE_SIZE_OWN.chars().filter(c -> c == '?').count()).isEqualTo(4);
    }

    @Test
    void deadTuplesAreRefusedNamingTheAlternatives() {
        StartWhen.TableThreshold events = new StartWhen.TableThreshold(new TableName("app", "events"), 1000);
        StartWhen dead = new StartWhen(OptionalLong.of(10), Optional.of(events), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> OracleStartChecks.refuseWhatOracleHasNot(OracleScenarios.demoJob(), dead))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("startWhen.deadTuples cannot be measured on Oracle")
                .hasMessageContaining("startWhen.rootRows").hasMessageContaining("startWhen.tableSize")
                .hasMessageContaining("nothing done");
        StartWhen ratio = new StartWhen(OptionalLong.empty(), Optional.empty(),
                Optional.of(new StartWhen.TableThreshold(new TableName("app", "events"), 0.2)), Optional.empty());
        assertThatThrownBy(() -> OracleStartChecks.refuseWhatOracleHasNot(OracleScenarios.demoJob(), ratio))
                .hasMessageContaining("startWhen.deadTupleRatio cannot");
        StartWhen fine = new StartWhen(OptionalLong.of(10), Optional.empty(), Optional.empty(),
                Optional.of(new StartWhen.TableThreshold(new TableName("app", "events"), 1 << 30)));
        OracleStartChecks.refuseWhatOracleHasNot(OracleScenarios.demoJob(), fine);
    }

    @Test
    void undoIsALimitOracleReads() {
        assertThat(OracleHealthSignals.READ).contains(HealthSignal.UNDO);
        assertThat(Resources.text(OracleHealthSignals.class, "health/undo.sql")).contains("u.activeblks AS value")
                .contains("FROM v$undostat u");
    }
}
