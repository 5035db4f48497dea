package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.plan.PurgeAnalysis.CatchUpStep;
import io.declutter.plan.PurgeAnalysis.TableWork;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.declutter.plan.TestJobs.edge;
import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The dialect-neutral analysis the renderers print: catch-up, fast path, cache units, detaches, deferred units. */
class PurgeAnalysisTest {

    /** tenants <- orders <- order_lines, and products (excluded) <- order_lines; all NO ACTION. */
    private static Catalog chain() {
        return new CatalogBuilder()
                .table("tenants").id()
                .table("orders").id().references("tenants", "tenant_id").column("note")
                .table("order_lines").id().references("orders", "order_id")
                .build();
    }

    private static int id(PurgePlan plan, String constraint) {
        return edge(plan, constraint).id();
    }

    @Test
    void aChainCatchesUpTopDownAndTakesTheFastPathWhereEveryKeyIntoItIsNoAction() {
        PurgePlan plan = plan(chain(), "tenants");
        PurgeAnalysis a = PurgeAnalysis.of(plan);

        assertThat(a.tables()).extracting(w -> w.table().name())
                .containsExactly("order_lines", "orders", "tenants");
        TableWork lines = a.table(t("order_lines"));
        assertThat(lines.catchUp()).isEmpty();
        assertThat(lines.fastPath()).as("nothing to catch up: the plain delete already").isFalse();

        TableWork orders = a.table(t("orders"));
        assertThat(orders.catchUp()).containsExactly(
                new CatchUpStep(id(plan, "order_lines_order_id_fkey"), t("orders"), t("order_lines"), true, false));
        assertThat(orders.catchUpDeletes()).as("order_lines finished before orders and is reached from it")
                .containsExactly(t("order_lines"));
        assertThat(orders.fastPath()).isTrue();

        // tenants: rows of orders and, through them, of order_lines inserted since the cache; top down.
        TableWork tenants = a.table(t("tenants"));
        assertThat(tenants.catchUp()).extracting(CatchUpStep::edgeId, CatchUpStep::fromBatch)
                .containsExactly(tuple(id(plan, "orders_tenant_id_fkey"), true),
                        tuple(id(plan, "order_lines_order_id_fkey"), false));
        assertThat(tenants.catchUpDeletes()).containsExactly(t("order_lines"), t("orders"));
        assertThat(tenants.lateTables()).as("grouped by table, top down").containsExactly(t("orders"), t("order_lines"));
        assertThat(a.late()).extracting(l -> l.table().name(), l -> l.catchUpEdges())
                .containsExactly(tuple("order_lines", List.of()),
                        tuple("orders", List.of(id(plan, "order_lines_order_id_fkey"))));
        assertThat(tenants.catchUpRepeats()).isFalse();
        assertThat(tenants.fastPath()).isTrue();

        assertThat(a.cacheUnits()).extracting(u -> u.edgeIds(), u -> u.fixpoint())
                .containsExactly(tuple(List.of(1), false), tuple(List.of(id(plan, "orders_tenant_id_fkey")), false),
                        tuple(List.of(id(plan, "order_lines_order_id_fkey")), false));
        assertThat(a.knownForeignKeys()).containsExactly(
                new PurgeAnalysis.KnownForeignKey(t("orders"), "orders_tenant_id_fkey"),
                new PurgeAnalysis.KnownForeignKey(t("order_lines"), "order_lines_order_id_fkey"));
        assertThat(a.deferredUnits()).isEmpty();
        assertThat(a.reattaches()).isEmpty();
    }

    @Test
    void aForeignKeyThatChangesRowsByItselfKeepsItsParentOnTheCarefulPath() {
        for (OnDelete action : List.of(OnDelete.CASCADE, OnDelete.SET_NULL)) {
            Catalog catalog = new CatalogBuilder()
                    .table("tenants").id()
                    .table("orders").id().references("tenants", "tenant_id")
                    .table("order_lines").id().references("orders", "order_id")
                    .table("notes").id().nullableColumn("order_id").references("orders", "order_id").onDelete(action)
                    .build();
            PurgePlan plan = plan(catalog, "tenants");
            assertThat(PurgeAnalysis.of(plan).table(t("orders")).fastPath()).as(action.sql()).isFalse();
            assertThat(PurgeAnalysis.resettingEdges(plan)).as(action.sql())
                    .containsExactly(id(plan, "notes_order_id_fkey"));
        }
    }

    @Test
    void aSetNullChildIsRecordedBeforeEachBatchAndItsNullableColumnsReattached() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("orders").id().references("tenants", "tenant_id")
                .table("notes").id().nullableColumn("order_id").references("orders", "order_id")
                .onDelete(OnDelete.SET_NULL)
                .build();
        PurgePlan plan = plan(catalog, "tenants");
        PurgeAnalysis a = PurgeAnalysis.of(plan);
        int setNull = id(plan, "notes_order_id_fkey");

        assertThat(a.table(t("orders")).catchUpNullifies())
                .containsExactly(new PurgeAnalysis.NullifyStep(setNull, t("orders"), true));
        assertThat(a.table(t("tenants")).catchUpNullifies())
                .containsExactly(new PurgeAnalysis.NullifyStep(setNull, t("orders"), false));
        assertThat(a.table(t("orders")).fastPath()).isFalse();
        assertThat(a.reattaches()).as("notes is not a closure table: its rows stay, nothing to re-attach").isEmpty();
        assertThat(PurgeAnalysis.backupTable(plan, edge(plan, "notes_order_id_fkey")))
                .isEqualTo(Optional.of(plan.nullified().get(0).backupTable()));
    }

    @Test
    void aNullableSelfReferenceIsDetachedAndReattached() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("categories").id().nullableColumn("parent_id").references("tenants", "tenant_id")
                .references("categories", "parent_id")
                .build();
        PurgePlan plan = plan(catalog, "tenants");
        PurgeAnalysis a = PurgeAnalysis.of(plan);
        int self = id(plan, "categories_parent_id_fkey");

        TableWork categories = a.table(t("categories"));
        assertThat(categories.detachEdges()).containsExactly(self);
        assertThat(categories.detachedColumns()).containsExactly("parent_id");
        assertThat(categories.selfReferences()).containsExactly(self);
        assertThat(categories.fastPath()).isFalse();
        assertThat(a.reattaches()).containsExactly(
                new PurgeAnalysis.Reattach(self, t("categories"), List.of("parent_id"), true));
        assertThat(a.cacheUnits()).extracting(u -> u.edgeIds(), u -> u.fixpoint(), u -> u.tree())
                .contains(tuple(List.of(self), true, Optional.empty()));
    }

    @Test
    void aNotNullTreeIsCachedToAFixedPointAndCaughtUpInALoop() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("categories").id().column("parent_id").references("tenants", "tenant_id")
                .references("categories", "parent_id")
                .build();
        PurgePlan plan = plan(catalog, "tenants");
        PurgeAnalysis a = PurgeAnalysis.of(plan);
        int self = id(plan, "categories_parent_id_fkey");

        assertThat(a.cacheUnits()).extracting(u -> u.edgeIds(), u -> u.tree())
                .contains(tuple(List.of(self), Optional.of(t("categories"))));
        assertThat(a.table(t("categories")).catchUp())
                .containsExactly(new CatchUpStep(self, t("categories"), t("categories"), true, true));
        assertThat(a.table(t("categories")).fastPath()).isFalse();
        // tenants catches up categories, then their late children: a step reading rows it writes itself
        assertThat(a.table(t("tenants")).catchUpRepeats()).isTrue();
        assertThat(a.table(t("tenants")).fastPath()).isFalse();
    }

    @Test
    void aDeferredUnitNumbersItsTablesAndDefersItsEdgesForTheDeletesBelowIt() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("orders").id().references("tenants", "tenant_id")
                .references("events", "last_event_id").named("orders_last_event_fk").deferrable()
                .table("events").id().references("orders", "order_id").named("events_order_fk")
                .table("invoices").id().references("orders", "order_id")
                .build();
        PurgePlan plan = plan(catalog, "tenants");
        PurgeAnalysis a = PurgeAnalysis.of(plan);
        int deferred = id(plan, "orders_last_event_fk");

        assertThat(a.deferredUnits()).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(1);
            assertThat(u.tables()).containsExactly(t("events"), t("orders"));
            assertThat(u.ordinal(t("orders"))).isEqualTo(2);
            assertThat(u.deferEdges()).containsExactly(deferred);
            assertThat(u.catchUpDeletes()).containsExactly(t("invoices"));
            assertThat(u.expansions()).extracting(PurgeAnalysis.UnitStep::edgeId)
                    .containsExactlyInAnyOrder(deferred, id(plan, "events_order_fk"));
        });
        assertThat(a.table(t("tenants")).deferEdges()).as("tenants' catch-up deletes rows of the unit")
                .containsExactly(deferred);
        assertThat(a.table(t("orders")).fastPath()).isFalse();
        assertThat(a.deferredUnit(1)).isSameAs(a.deferredUnits().get(0));
    }

    @Test
    void withoutBackupTheCacheKeepsKeysAndTheColumnsChildrenAreLookedUpBy() {
        Job job = TestJobs.job("tenants");
        Job noBackup = new Job(job.name(), job.root(), job.rootPredicate(), job.batchSize(), false, job.excludedTables(),
                job.lockTimeout(), job.statementTimeout());
        PurgeAnalysis a = PurgeAnalysis.of(plan(chain(), noBackup));

        assertThat(a.table(t("orders")).cacheColumns()).as("note is left out").containsExactly("id");
        assertThat(a.table(t("order_lines")).cacheColumns()).containsExactly("id");
        assertThat(PurgeAnalysis.of(plan(chain(), "tenants")).table(t("orders")).cacheColumns())
                .containsExactly("id", "tenant_id", "note");
    }

    @Test
    void recordsRefuseWhatCannotBe() {
        assertThatThrownBy(() -> new TableWork(t("a"), List.of(7), List.of(), List.of(), List.of(),
                List.of(new CatchUpStep(2, t("a"), t("b"), true, false)), List.of(), List.of(), List.of(), false, true,
                List.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fast path");
        assertThatThrownBy(() -> new CatchUpStep(2, t("a"), t("b"), true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self-reference");
        assertThatThrownBy(() -> new PurgeAnalysis.CacheUnit(List.of(2, 3), false, 0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PurgeAnalysis.Reattach(3, t("a"), List.of(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
