package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.declutter.plan.TestJobs.edge;
import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Cycles that only DEFERRABLE NOT NULL foreign keys break: which ones are deferred, the unit, the delete order. */
class PlanBuilderDeferredCycleTest {

    /** tenants <- orders (last_event_id -> events, deferrable when asked) <- events (order_id -> orders). */
    private static Catalog orders(boolean lastEventDeferrable, boolean orderDeferrable, boolean lastEventNullable) {
        CatalogBuilder b = new CatalogBuilder();
        b.table("tenants").id();
        CatalogBuilder.TableBuilder orders = b.table("orders").id().references("tenants", "tenant_id");
        if (lastEventNullable) {
            orders.nullableColumn("last_event_id");
        }
        orders.references("events", "last_event_id").named("orders_last_event_fk");
        if (lastEventDeferrable) {
            orders.deferrable();
        }
        CatalogBuilder.TableBuilder events = b.table("events").id().references("orders", "order_id")
                .named("events_order_fk");
        if (orderDeferrable) {
            events.deferrable();
        }
        b.table("invoices").id().references("orders", "order_id");
        return b.build();
    }

    @Test
    void aCycleOnlyADeferrableForeignKeyBreaksIsDeferredNotRefused() {
        PurgePlan plan = plan(orders(true, false, false), "tenants");

        assertThat(plan.errors()).isEmpty();
        Edge deferred = edge(plan, "orders_last_event_fk");
        assertThat(deferred.deferred()).isTrue();
        assertThat(deferred.breaksCycle()).as("deferred, never detached").isFalse();
        assertThat(edge(plan, "events_order_fk").deferred()).isFalse();
        assertThat(plan.findings()).filteredOn(f -> f.kind() == Kind.CYCLE).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.subject()).isEqualTo("app.events, app.orders");
            assertThat(f.message()).contains("orders_last_event_fk", "deferring", "SET CONSTRAINTS", "one transaction");
        });
    }

    @Test
    void theUnitIsContiguousInDeleteOrderAfterEverythingBelowItAndChildrenFirstInside() {
        PurgePlan plan = plan(orders(true, false, false), "tenants");

        // invoices (below orders) first; then the unit: events (they reference orders through the key not deferred),
        // orders; then tenants.
        assertThat(plan.tables()).extracting(tb -> tb.name().name(), PurgeTable::height, PurgeTable::deferredUnit)
                .containsExactly(tuple("invoices", 0, 0), tuple("events", 1, 1), tuple("orders", 1, 1),
                        tuple("tenants", 2, 0));
    }

    @Test
    void whichForeignKeyIsDeferredDependsOnWhichIsDeferrable() {
        PurgePlan plan = plan(orders(false, true, false), "tenants");

        assertThat(plan.errors()).isEmpty();
        assertThat(edge(plan, "events_order_fk").deferred()).isTrue();
        assertThat(edge(plan, "orders_last_event_fk").deferred()).isFalse();
        assertThat(plan.tables()).extracting(tb -> tb.name().name())
                .containsExactly("invoices", "orders", "events", "tenants");
    }

    @Test
    void aNullableForeignKeyIsPreferredToADeferrableOne() {
        // orders.last_event_id is nullable and deferrable, events.order_id NOT NULL and deferrable: detach, no unit.
        PurgePlan plan = plan(orders(true, true, true), "tenants");

        assertThat(plan.errors()).isEmpty();
        assertThat(edge(plan, "orders_last_event_fk").breaksCycle()).isTrue();
        assertThat(plan.edges()).noneMatch(Edge::deferred);
        assertThat(plan.tables()).allMatch(tb -> tb.deferredUnit() == 0);
        assertThat(plan.findings()).noneMatch(f -> f.kind() == Kind.CYCLE);
    }

    @Test
    void onlyAsManyDeferrableForeignKeysAreDeferredAsTheCycleNeeds() {
        // a -> b -> c -> a, every key NOT NULL and DEFERRABLE: deferring one is enough (the first in name order that
        // leaves no cycle once the others are kept).
        Catalog catalog = new CatalogBuilder()
                .table("root").id()
                .table("a").id().references("root", "root_id").references("c", "c_id").named("fk_a_c").deferrable()
                .table("b").id().references("a", "a_id").named("fk_b_a").deferrable()
                .table("c").id().references("b", "b_id").named("fk_c_b").deferrable()
                .build();

        PurgePlan plan = plan(catalog, "root");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.edges().stream().filter(Edge::deferred).map(e -> e.foreignKey().orElseThrow().name()))
                .containsExactly("fk_c_b");
        assertThat(plan.tables()).extracting(tb -> tb.name().name(), PurgeTable::deferredUnit)
                .containsExactly(tuple("b", 1), tuple("a", 1), tuple("c", 1), tuple("root", 0));
    }

    @Test
    void aDeferrableKeyIsUsedOnlyWhereNoNullableOneCanTakeItsPlace() {
        // Two cycles sharing a: a <-> b (b.a_id nullable, a.b_id NOT NULL deferrable) and a <-> c (both NOT NULL,
        // c.a_id deferrable). The first is detached, the second deferred: the unit is {a, c}, b stays out.
        Catalog catalog = new CatalogBuilder()
                .table("root").id()
                .table("a").id().references("root", "root_id").references("b", "b_id").named("fk_a_b").deferrable()
                .references("c", "c_id").named("fk_a_c")
                .table("b").id().nullableColumn("a_id").references("a", "a_id").named("fk_b_a")
                .table("c").id().references("a", "a_id").named("fk_c_a").deferrable()
                .build();

        PurgePlan plan = plan(catalog, "root");

        assertThat(plan.errors()).isEmpty();
        assertThat(edge(plan, "fk_b_a").breaksCycle()).isTrue();
        assertThat(plan.edges().stream().filter(Edge::deferred).map(e -> e.foreignKey().orElseThrow().name()))
                .containsExactly("fk_c_a");
        assertThat(plan.table(t("a")).orElseThrow().deferredUnit()).isEqualTo(1);
        assertThat(plan.table(t("c")).orElseThrow().deferredUnit()).isEqualTo(1);
        assertThat(plan.table(t("b")).orElseThrow().deferredUnit()).isZero();
    }

    @Test
    void aCycleWithNeitherANullableNorADeferrableWayOutIsRefusedSayingHowToResolveIt() {
        PurgePlan plan = plan(orders(false, false, false), "tenants");

        assertThat(plan.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.CYCLE);
            assertThat(f.subject()).isEqualTo("app.events, app.orders");
            assertThat(f.message()).contains("events_order_fk, orders_last_event_fk", "nullable", "DEFERRABLE",
                    "exclud");
        });
        assertThat(plan.edges()).noneMatch(Edge::deferred);
    }

    @Test
    void aNotNullSelfReferenceThatIsNotDeferrableInsideADeferrableCycleIsStillRefused() {
        Catalog catalog = new CatalogBuilder()
                .table("root").id()
                .table("a").id().references("root", "root_id").references("b", "b_id").named("fk_a_b").deferrable()
                .references("a", "parent_id").named("fk_a_parent")
                .table("b").id().references("a", "a_id").named("fk_b_a")
                .build();

        PurgePlan plan = plan(catalog, "root");

        assertThat(plan.errors()).singleElement().satisfies(f ->
                assertThat(f.message()).contains("fk_a_parent", "self-reference", "DEFERRABLE"));
    }

    @Test
    void aDeferrableKeyThatRestrictsOrCascadesCannotBeDeferred() {
        // RESTRICT and CASCADE act when the parent row goes, deferred or not: only NO ACTION waits.
        for (io.declutter.model.OnDelete action : List.of(io.declutter.model.OnDelete.RESTRICT,
                io.declutter.model.OnDelete.CASCADE)) {
            Catalog catalog = new CatalogBuilder()
                    .table("tenants").id()
                    .table("orders").id().references("tenants", "tenant_id")
                    .references("events", "last_event_id").named("orders_last_event_fk").deferrable().onDelete(action)
                    .table("events").id().references("orders", "order_id").named("events_order_fk")
                    .build();

            PurgePlan plan = plan(catalog, "tenants");

            assertThat(plan.errors()).as(action.sql()).singleElement().satisfies(f ->
                    assertThat(f.message()).contains("DEFERRABLE with ON DELETE NO ACTION"));
        }
    }

    @RepeatedTest(3)
    void theChoiceIsDeterministic() {
        Catalog catalog = new CatalogBuilder()
                .table("root").id()
                .table("a").id().references("root", "root_id").references("c", "c_id").named("x").deferrable()
                .table("b").id().references("a", "a_id").named("x").deferrable()
                .table("c").id().references("b", "b_id").named("x").deferrable()
                .build();

        PurgePlan plan = plan(catalog, "root");

        // same names: ordered by child table, each tried unbroken in turn; the last one is the one kept
        assertThat(plan.edges().stream().filter(Edge::deferred).map(e -> e.child().name())).containsExactly("c");
    }
}
