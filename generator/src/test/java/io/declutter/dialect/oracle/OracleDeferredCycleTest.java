package io.declutter.dialect.oracle;

import io.declutter.dialect.DeferredCycles;
import io.declutter.dialect.postgres.PostgresDialect;
import io.declutter.graph.CatalogBuilder;
import io.declutter.graph.PlanBuilder;
import io.declutter.model.Catalog;
import io.declutter.model.Finding;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.render.Generator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Oracle package does not defer cycle constraints inside a batch: a cycle only a DEFERRABLE NOT NULL foreign key
 * breaks is refused for Oracle at plan time (an ERROR finding) and at generate time, while PostgreSQL runs it; a
 * cycle broken through a nullable key (even a deferrable one) is untouched.
 */
class OracleDeferredCycleTest {

    private static final OracleDialect ORACLE = OracleDialect.latest();

    private static Catalog orders(boolean lastEventNullable) {
        CatalogBuilder b = new CatalogBuilder();
        b.table("tenants").id();
        CatalogBuilder.TableBuilder orders = b.table("orders").id().references("tenants", "tenant_id");
        if (lastEventNullable) {
            orders.nullableColumn("last_event_id");
        }
        orders.references("events", "last_event_id").named("orders_last_event_fk").deferrable();
        b.table("events").id().references("orders", "order_id");
        return b.build();
    }

    private static PurgePlan plan(Catalog catalog) {
        Job job = new Job("order_purge", CatalogBuilder.name("tenants"), Optional.of("closed"), 100, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(1));
        return new PlanBuilder(catalog, job, 128).build();
    }

    @Test
    void aDeferredCycleIsRefusedForOracleWithWhatToDoInstead() {
        PurgePlan plan = plan(orders(false));
        assertThat(plan.errors()).isEmpty();

        PurgePlan checked = DeferredCycles.check(ORACLE, plan);
        assertThat(checked.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.CYCLE);
            assertThat(f.subject()).isEqualTo("orders_last_event_fk");
            assertThat(f.message()).contains("orders_last_event_fk", "DEFERRABLE", "oracle dialect", "nullable",
                    "exclude");
        });
        assertThatThrownBy(() -> new OracleGenerator(ORACLE).generate(plan)).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("cannot be generated for Oracle").hasMessageContaining("orders_last_event_fk");
        assertThatThrownBy(() -> new Generator(ORACLE).generate(plan)).isInstanceOf(InvalidJobException.class);
    }

    @Test
    void postgresRunsTheSamePlan() {
        PurgePlan plan = plan(orders(false));
        PostgresDialect postgres = new PostgresDialect();
        assertThat(DeferredCycles.check(postgres, plan)).isSameAs(plan);
        assertThat(new Generator(postgres).generate(plan)).isNotEmpty();
    }

    @Test
    void aCycleBrokenThroughANullableKeyIsNotAffected() {
        PurgePlan plan = plan(orders(true));
        assertThat(DeferredCycles.check(ORACLE, plan)).isSameAs(plan);
        assertThat(new OracleGenerator(ORACLE).generate(plan)).isNotEmpty();
    }
}
