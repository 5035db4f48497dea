package io.declutter.dialect.oracle;

import io.declutter.model.Catalog;
import io.declutter.model.Finding;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.plan.CatalogBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table without a key, a leaf of the closure: purged by row identity on PostgreSQL, refused on Oracle for now
 * (docs/oracle.md).
 */
class OracleKeylessTableTest {

    @Test
    void keylessLeafIsRefusedOnOracleWithTheReason() {
        Catalog catalog = new CatalogBuilder()
                .table("parent").id()
                .table("point").column("x").references("parent", "parent_id")
                .build();
        Job job = new Job("purge", CatalogBuilder.name("parent"), Optional.of("id = 1"), 1000, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(10));

        PurgePlan plan = OracleDialect.latest().plan(catalog, job);

        assertThat(plan.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.NO_KEY);
            assertThat(f.subject()).isEqualTo("app.point");
            assertThat(f.message()).contains("PostgreSQL only for now, not for Oracle", "Add a primary key");
        });
        assertThat(plan.findings()).noneMatch(f -> f.kind() == Finding.Kind.ROW_IDENTITY);
    }
}
