package io.declutter.runner.oracle;

import io.declutter.dialect.oracle.OracleDialect;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.runner.invariants.InvariantSuite;
import io.declutter.runner.testing.targets.OracleTarget;
import io.declutter.runner.testing.targets.PurgeTarget;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared invariant suite ({@link InvariantSuite}: complete purge, backup, verify, rollback, resume) on Oracle
 * Database Free in a container (Testcontainers oracle-free), plus one Oracle-only check: the live catalog reads back
 * as the recorded one the unit tests use ({@code sql/demo/oracle/catalog}). Skipped where Docker is absent, and
 * says so.
 */
class OracleInvariantSuiteTest extends InvariantSuite {

    @Override
    protected PurgeTarget createTarget() throws Exception {
        return OracleTarget.create();
    }

    @Test
    @Order(0)
    public void theLiveCatalogReadsBackAsTheRecordedOne() throws Exception {
        Path recorded = target.dir().resolve("catalog");
        try (Connection c = target.connect()) {
            RecordedCatalog.record(c, OracleDialect.latest(), recorded);
        }
        var live = RecordedCatalog.read(recorded, OracleDialect.latest());
        var fixture = RecordedCatalog.read(Path.of("../sql/demo/oracle/catalog"), OracleDialect.latest());
        assertThat(live.foreignKeys()).isEqualTo(fixture.foreignKeys());
        assertThat(live.tables()).extracting(t -> t.name().display() + t.columns() + t.keys())
                .isEqualTo(fixture.tables().stream().map(t -> t.name().display() + t.columns() + t.keys()).toList());
    }
}
