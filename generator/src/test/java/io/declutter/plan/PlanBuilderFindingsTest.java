package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import io.declutter.model.UniqueKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.declutter.plan.TestJobs.edge;
import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Pre-flight findings: excluded tables, unindexed foreign keys, tables without a key, triggers, partitions. */
class PlanBuilderFindingsTest {

    // --- excluded tables -------------------------------------------------------------------------------------

    @Test
    void edgeIntoExcludedTableIsSkippedAndReportedAsBlocking() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("audit_log").id().references("tenants", "tenant_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants", "audit_log");

        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parentEdgeId().orElse(0), e -> e.child().name(), Edge::strategy,
                        Edge::depth, Edge::height, Edge::cycleGroup, Edge::breaksCycle, Edge::primary)
                .containsExactly(
                        tuple(1, 0, "tenants", Strategy.DELETE, 0, 1, 0, false, true),
                        tuple(2, 1, "audit_log", Strategy.SKIP, 1, 0, 0, false, false),
                        tuple(3, 1, "users", Strategy.DELETE, 1, 0, 0, false, true));
        assertThat(plan.followedEdges()).extracting(Edge::id).containsExactly(1, 3);
        assertThat(plan.tables()).extracting(PurgeTable::name).containsExactly(t("users"), t("tenants"));
        assertThat(plan.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.kind()).isEqualTo(Kind.BLOCKING_EDGE);
            assertThat(f.subject()).isEqualTo("audit_log_tenant_id_fkey");
            assertThat(f.message())
                    .contains("app.audit_log(tenant_id) -> app.tenants(id)")
                    .contains("excluded table app.audit_log")
                    .contains("make the delete fail");
        });
        assertThat(plan.errors()).isEmpty();
    }

    @Test
    void excludedTableIsNotEnteredSoItsOwnChildrenStayOutside() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("audit_log").id().references("tenants", "tenant_id")
                .table("audit_details").id().references("audit_log", "audit_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants", "audit_log");

        assertThat(plan.edges()).extracting(Edge::id, e -> e.child().name(), Edge::strategy)
                .containsExactly(tuple(1, "tenants", Strategy.DELETE), tuple(2, "audit_log", Strategy.SKIP));
        assertThat(plan.tables()).extracting(PurgeTable::name).containsExactly(t("tenants"));
    }

    @Test
    void cascadeFromExcludedTableIsReportedAsCascadeOutsideTheClosure() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("sessions").id().references("users", "user_id").onDelete(OnDelete.CASCADE)
                .build();

        PurgePlan plan = plan(catalog, "tenants", "sessions");

        assertThat(edge(plan, "sessions_user_id_fkey").strategy()).isEqualTo(Strategy.SKIP);
        assertThat(edge(plan, "sessions_user_id_fkey").parentEdgeId()).contains(2);
        assertThat(plan.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.kind()).isEqualTo(Kind.CASCADE_OUTSIDE);
            assertThat(f.subject()).isEqualTo("sessions_user_id_fkey");
            assertThat(f.message()).contains("ON DELETE CASCADE").contains("without a backup")
                    .contains("Remove app.sessions from 'exclude'");
        });
    }

    @Test
    void setNullFromExcludedTableIsReportedAsInformation() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("invoices").id().nullableColumn("tenant_id")
                .references("tenants", "tenant_id").onDelete(OnDelete.SET_NULL)
                .build();

        PurgePlan plan = plan(catalog, "tenants", "invoices");

        assertThat(plan.findings()).extracting(Finding::severity, Finding::kind, Finding::subject)
                .containsExactly(tuple(Severity.INFO, Kind.SET_NULL_OUTSIDE, "invoices_tenant_id_fkey"));
        assertThat(plan.findings().get(0).message()).contains("ON DELETE SET NULL", "will change rows of the excluded"
                + " table app.invoices").doesNotContain("fail");
        assertThat(Kind.SET_NULL_OUTSIDE.label()).doesNotContain("block");
    }

    @Test
    void findingsAreSortedBySeverityThenKindThenSubject() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id").unindexed()
                .table("audit_log").id().references("tenants", "tenant_id")
                .table("sessions").id().references("users", "user_id").onDelete(OnDelete.CASCADE)
                .table("notes").id().nullableColumn("user_id").references("users", "user_id").onDelete(OnDelete.SET_NULL)
                .table("events").references("tenants", "tenant_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants", "audit_log", "sessions", "notes");

        assertThat(plan.findings()).extracting(Finding::severity, Finding::kind, Finding::subject)
                .containsExactly(
                        tuple(Severity.WARNING, Kind.UNINDEXED_FK, "users_tenant_id_fkey"),
                        tuple(Severity.WARNING, Kind.BLOCKING_EDGE, "audit_log_tenant_id_fkey"),
                        tuple(Severity.WARNING, Kind.CASCADE_OUTSIDE, "sessions_user_id_fkey"),
                        tuple(Severity.INFO, Kind.SET_NULL_OUTSIDE, "notes_user_id_fkey"),
                        tuple(Severity.INFO, Kind.ROW_IDENTITY, "app.events"));
        assertThat(plan.errors()).isEmpty();
    }

    // --- indexes ---------------------------------------------------------------------------------------------

    @Test
    void foreignKeyWithoutIndexIsReported() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id").unindexed()
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.kind()).isEqualTo(Kind.UNINDEXED_FK);
            assertThat(f.subject()).isEqualTo("users_tenant_id_fkey");
            assertThat(f.message()).contains("has no index on app.users(tenant_id)");
        });
    }

    @Test
    void indexLeadingWithTheForeignKeyColumnsSuppressesTheWarning() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().column("created_at")
                .references("tenants", "tenant_id").unindexed()
                .index("tenant_id", "created_at")
                .build();

        assertThat(plan(catalog, "tenants").findings()).isEmpty();
    }

    @Test
    void indexWhereTheForeignKeyColumnIsNotFirstDoesNotCount() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().column("created_at")
                .references("tenants", "tenant_id").unindexed()
                .index("created_at", "tenant_id")
                .build();

        assertThat(plan(catalog, "tenants").findings()).extracting(Finding::kind, Finding::subject)
                .containsExactly(tuple(Kind.UNINDEXED_FK, "users_tenant_id_fkey"));
    }

    @Test
    void compositeForeignKeyIsIndexedByAnIndexOnItsColumnsInAnyOrder() {
        Catalog catalog = new CatalogBuilder()
                .table("orders").primaryKey("tenant_id", "order_no")
                .table("order_lines").id().references("orders", "tenant_id", "order_no").unindexed()
                .index("order_no", "tenant_id", "id")
                .build();

        assertThat(plan(catalog, "orders").findings()).isEmpty();
    }

    @Test
    void compositeForeignKeyWithAnIndexOnOnlyOneOfItsColumnsIsReported() {
        Catalog catalog = new CatalogBuilder()
                .table("orders").primaryKey("tenant_id", "order_no")
                .table("order_lines").id().references("orders", "tenant_id", "order_no").unindexed()
                .index("tenant_id")
                .build();

        assertThat(plan(catalog, "orders").findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.UNINDEXED_FK);
            assertThat(f.message()).contains("app.order_lines(tenant_id, order_no)");
        });
    }

    @Test
    void primaryKeyLeadingWithTheForeignKeyColumnsCountsAsIndex() {
        Catalog catalog = new CatalogBuilder()
                .table("users").id()
                .table("user_roles").primaryKey("user_id", "role").references("users", "user_id").unindexed()
                .build();

        assertThat(plan(catalog, "users").findings()).isEmpty();
    }

    @Test
    void edgesIntoExcludedTablesAreNotCheckedForIndexes() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("audit_log").id().references("tenants", "tenant_id").unindexed()
                .build();

        assertThat(plan(catalog, "tenants", "audit_log").findings()).extracting(Finding::kind)
                .containsExactly(Kind.BLOCKING_EDGE);
    }

    // --- keys ------------------------------------------------------------------------------------------------

    @Test
    void tableWithoutPrimaryKeyIsMatchedOnANotNullUniqueKey() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("events").column("event_uid").uniqueKey("events_uid_key", "event_uid")
                .references("tenants", "tenant_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.table(t("events")).orElseThrow().key())
                .isEqualTo(new UniqueKey("events_uid_key", List.of("event_uid"), false));
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void uniqueKeyOnNullableColumnIsNotUsedAndNotNullOneIs() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("events").nullableColumn("external_ref").column("event_uid")
                .uniqueKey("events_a_external_ref_key", "external_ref")
                .uniqueKey("events_z_uid_key", "event_uid")
                .references("tenants", "tenant_id")
                .build();

        assertThat(plan(catalog, "tenants").table(t("events")).orElseThrow().key().name())
                .isEqualTo("events_z_uid_key");
    }

    @Test
    void amongSeveralNotNullUniqueKeysTheFirstByNameIsUsed() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("events").column("event_uid").column("seq")
                .uniqueKey("events_uid_key", "event_uid")
                .uniqueKey("events_seq_key", "tenant_id", "seq")
                .references("tenants", "tenant_id")
                .build();

        assertThat(plan(catalog, "tenants").table(t("events")).orElseThrow().key())
                .isEqualTo(new UniqueKey("events_seq_key", List.of("tenant_id", "seq"), false));
    }

    // --- tables without a key (docs/design.md#tables-without-a-key) -------------------------------------------

    @Test
    void keylessLeafIsPurgedByRowIdentityAndSaysWhatItCosts() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("events").nullableColumn("external_ref").uniqueKey("events_ref_key", "external_ref")
                .references("tenants", "tenant_id")
                .table("points").column("x").references("tenants", "tenant_id").unindexed()
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.errors()).isEmpty();
        PurgeTable events = plan.table(t("events")).orElseThrow();
        assertThat(events.rowIdentity()).isTrue();
        assertThat(events.key().columns()).containsExactly("external_ref", "tenant_id");
        assertThat(plan.table(t("tenants")).orElseThrow().rowIdentity()).isFalse();
        assertThat(plan.findings()).filteredOn(f -> f.kind() == Kind.ROW_IDENTITY)
                .extracting(Finding::severity, Finding::subject)
                .containsExactly(tuple(Severity.INFO, "app.events"), tuple(Severity.INFO, "app.points"));
        assertThat(plan.findings()).filteredOn(f -> f.subject().equals("app.events")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("purged by row identity",
                        "backed up and deleted in one statement, no key-based cache",
                        "rollback re-inserts every backed-up row once, duplicates as they were", "verify counts rows as a multiset",
                        "Cost: an index lookup on app.events(tenant_id) per app.tenants row"));
        assertThat(plan.findings()).filteredOn(f -> f.subject().equals("app.points")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains(
                        "Cost: a scan of the whole table app.points per app.tenants batch (no index on"
                                + " app.points(tenant_id))"));
    }

    @Test
    void keylessTableThatOthersReferenceIsRefused() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("events").nullableColumn("external_ref").uniqueKey("events_ref_key", "external_ref")
                .references("tenants", "tenant_id")
                .table("event_notes").id().nullableColumn("event_ref").references("events", "event_ref")
                .toColumns("external_ref")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.NO_KEY);
            assertThat(f.subject()).isEqualTo("app.events");
            assertThat(f.message()).contains("table app.events has no primary key", "it is referenced",
                    "not a leaf", "Add a primary key");
        });
        assertThat(plan.table(t("events")).orElseThrow().rowIdentity()).isFalse();
    }

    @Test
    void keylessRootIsRefused() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").column("name")
                .build();

        assertThat(plan(catalog, "tenants").errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.NO_KEY);
            assertThat(f.message()).contains("it is the root table");
        });
    }

    @Test
    void keylessTableBehindSetNullIsRefusedWithTheReason() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("points").nullableColumn("tenant_id").column("x").references("tenants", "tenant_id")
                .onDelete(OnDelete.SET_NULL)
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.NO_KEY);
            assertThat(f.message()).contains("ON DELETE SET NULL", "app.points has no primary key",
                    "cannot be recorded for rollback");
        });
    }

    // --- building twice --------------------------------------------------------------------------------------

    @Test
    void buildingTwiceGivesTheSamePlanWithoutDoubledFindings() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id").unindexed().trigger("users_audit")
                .table("audit_log").id().references("tenants", "tenant_id")
                .table("notes").id().nullableColumn("user_id").references("users", "user_id").onDelete(OnDelete.SET_NULL)
                .build();
        PlanBuilder builder = new PlanBuilder(catalog, TestJobs.job("tenants", "audit_log"),
                TestJobs.MAX_IDENTIFIER_BYTES);

        PurgePlan first = builder.build();
        PurgePlan second = builder.build();

        assertThat(first.findings()).extracting(Finding::kind)
                .containsExactly(Kind.UNINDEXED_FK, Kind.BLOCKING_EDGE, Kind.TRIGGER);
        assertThat(second).isEqualTo(first);
        assertThat(second.findings()).hasSameSizeAs(first.findings());
    }

    // --- reserved column names ------------------------------------------------------------------------------

    @Test
    void bookkeepingColumnNamesAreRefusedInAnyCase() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id").column("declutter_seq")
                .table("orders").id().references("tenants", "tenant_id").column("DECLUTTER_RUN")
                .table("items").id().references("tenants", "tenant_id").column("Declutter_Depth")
                .table("notes").id().references("tenants", "tenant_id").column("declutter_runs")
                .build();

        assertThat(plan(catalog, "tenants").findings()).filteredOn(f -> f.kind() == Kind.RESERVED_COLUMN)
                .extracting(Finding::severity, Finding::subject)
                .containsExactlyInAnyOrder(tuple(Severity.ERROR, "app.users"), tuple(Severity.ERROR, "app.orders"),
                        tuple(Severity.ERROR, "app.items"));
        assertThat(plan(catalog, "tenants").findings()).filteredOn(f -> f.subject().equals("app.orders"))
                .singleElement().satisfies(f -> assertThat(f.message())
                        .contains("column named DECLUTTER_RUN", "Rename the column DECLUTTER_RUN of app.orders",
                                "exclude app.orders from the job"));
    }

    // --- triggers and partitions -----------------------------------------------------------------------------

    @Test
    void triggersOnClosureTablesAreReported() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id").trigger("users_audit").trigger("users_touch")
                .build();

        assertThat(plan(catalog, "tenants").findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.kind()).isEqualTo(Kind.TRIGGER);
            assertThat(f.subject()).isEqualTo("app.users");
            assertThat(f.message()).contains("users_audit, users_touch");
        });
    }

    @Test
    void partitionedClosureTablesAreReportedAsInformation() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("events").id().references("tenants", "tenant_id").partitioned()
                .build();

        assertThat(plan(catalog, "tenants").findings()).extracting(Finding::severity, Finding::kind, Finding::subject)
                .containsExactly(tuple(Severity.INFO, Kind.PARTITIONED, "app.events"));
    }
}
