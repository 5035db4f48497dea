package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.ForeignKey;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.LogicalReference;
import io.declutter.model.PurgePlan;
import io.declutter.model.RootRows;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Orphan and duplicate roots resolved by the plan (docs/design.md#orphan-roots, docs/design.md#duplicate-roots): the
 * reference whose orphans are purged, the tie-breaking key and the kept column, and what is refused.
 */
class PlanBuilderRootsTest {

    private static final Catalog CATALOG = new CatalogBuilder()
            .table("customers").id()
            .table("orders").id().nullableColumn("customer_id").references("customers", "customer_id")
            .enforcement(ForeignKey.Enforcement.NOT_VALID)
            .table("payments").id().references("customers", "customer_id")
            .table("items").id().references("orders", "order_id")
            .table("users").id().nullableColumn("email").nullableColumn("Created_At")
            .table("sessions").id().references("users", "user_id")
            .table("people").id().nullableColumn("email").nullableColumn("boss_id").references("people", "boss_id")
            .table("contacts").nullableColumn("email")
            .build();

    private static Job rooted(String root, RootRows rows, LogicalReference... references) {
        Job j = TestJobs.job(root);
        return new Job(j.name(), j.root(), rows, j.batchSize(), j.backup(), j.excludedTables(), j.lockTimeout(),
                j.statementTimeout(), List.of(), List.of(), List.of(references));
    }

    @Test
    void orphansOfANotValidKeyAreItsChildRowsWithTheirClosure() {
        PurgePlan plan = TestJobs.plan(CATALOG, rooted("orders", new RootRows.OrphansOf("ORDERS_CUSTOMER_ID_FKEY")));
        RootRows.OrphansOf o = (RootRows.OrphansOf) plan.job().rows();
        assertThat(o.key()).hasValueSatisfying(k -> {
            assertThat(k.name()).as("matched ignoring case").isEqualTo("orders_customer_id_fkey");
            assertThat(k.parent()).isEqualTo(CatalogBuilder.name("customers"));
        });
        assertThat(plan.tables()).extracting(t -> t.name().name()).containsExactlyInAnyOrder("orders", "items");
    }

    @Test
    void orphansOfALogicalReferenceResolveItAndAnEnforcedKeyIsRefused() {
        LogicalReference ref = new LogicalReference("ref_items_order_id", CatalogBuilder.name("items"),
                List.of("order_id"), CatalogBuilder.name("orders"), List.of(), LogicalReference.Action.IGNORE);
        PurgePlan plan = TestJobs.plan(CATALOG, rooted("items", new RootRows.OrphansOf("ref_items_order_id"), ref));
        assertThat(((RootRows.OrphansOf) plan.job().rows()).key()).hasValueSatisfying(k -> assertThat(k.logical())
                .isTrue());

        assertThatThrownBy(() -> TestJobs.plan(CATALOG, rooted("payments",
                new RootRows.OrphansOf("payments_customer_id_fkey")))).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("foreign key payments_customer_id_fkey on app.payments is valid and enforced");
        assertThatThrownBy(() -> TestJobs.plan(CATALOG, rooted("payments", new RootRows.OrphansOf("nope"))))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("none of its foreign keys is NOT VALID or disabled");
    }

    @Test
    void duplicatesTakeThePrimaryKeyToBreakTiesAndTheKeptColumnAsTheCatalogSpellsIt() {
        PurgePlan plan = TestJobs.plan(CATALOG, rooted("users", new RootRows.DuplicatesOf(List.of("lower(email)"),
                new RootRows.Keep(RootRows.Keep.Order.NEWEST, Optional.of("created_at")))));
        RootRows.DuplicatesOf d = (RootRows.DuplicatesOf) plan.job().rows();
        assertThat(d.tieBreak()).containsExactly("id");
        assertThat(d.keep().column()).contains("Created_At");
        assertThat(plan.tables()).extracting(t -> t.name().name()).containsExactlyInAnyOrder("users", "sessions");
    }

    @Test
    void duplicatesOfAKeylessTableOrWhoseClosureReachesItAgainAreRefused() {
        RootRows.DuplicatesOf lowest = new RootRows.DuplicatesOf(List.of("email"),
                new RootRows.Keep(RootRows.Keep.Order.LOWEST, Optional.empty()));
        assertThatThrownBy(() -> TestJobs.plan(CATALOG, rooted("contacts", lowest)))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("app.contacts has no primary key");
        assertThatThrownBy(() -> TestJobs.plan(CATALOG, rooted("people", lowest)))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("rows of app.people itself")
                .hasMessageContaining("people_boss_id_fkey");
        assertThatThrownBy(() -> TestJobs.plan(CATALOG, rooted("users", new RootRows.DuplicatesOf(List.of("email"),
                new RootRows.Keep(RootRows.Keep.Order.OLDEST, Optional.of("updated_at"))))))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'root.keep' orders by updated_at, which is not a column of app.users");
    }
}
