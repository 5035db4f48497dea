package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import io.declutter.model.UniqueKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.declutter.plan.TestJobs.edge;
import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The closure PlanBuilder walks: edge ids, parent edges, depths, heights, primary edges and delete order. */
class PlanBuilderClosureTest {

    @Test
    void rootAloneIsEdgeOneWithNoConstraintAndHeightZero() {
        Catalog catalog = new CatalogBuilder().table("tenants").id().build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.edges()).singleElement().satisfies(root -> {
            assertThat(root.id()).isEqualTo(1);
            assertThat(root.root()).isTrue();
            assertThat(root.parentEdgeId()).isEmpty();
            assertThat(root.foreignKey()).isEmpty();
            assertThat(root.parent()).isEqualTo(t("tenants"));
            assertThat(root.child()).isEqualTo(t("tenants"));
            assertThat(root.strategy()).isEqualTo(Strategy.DELETE);
            assertThat(root.depth()).isZero();
            assertThat(root.height()).isZero();
            assertThat(root.cycleGroup()).isZero();
            assertThat(root.breaksCycle()).isFalse();
            assertThat(root.primary()).isTrue();
        });
        assertThat(plan.tables()).extracting(PurgeTable::name).containsExactly(t("tenants"));
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void chainGetsDepthsDownAndHeightsUp() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("orders").id().references("users", "user_id")
                .table("order_lines").id().references("orders", "order_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parentEdgeId().orElse(0), e -> e.parent().name(), e -> e.child().name(),
                        Edge::depth, Edge::height, Edge::primary)
                .containsExactly(
                        tuple(1, 0, "tenants", "tenants", 0, 3, true),
                        tuple(2, 1, "tenants", "users", 1, 2, true),
                        tuple(3, 2, "users", "orders", 2, 1, true),
                        tuple(4, 3, "orders", "order_lines", 3, 0, true));
        assertThat(edge(plan, "users_tenant_id_fkey").foreignKey().orElseThrow().childColumns())
                .containsExactly("tenant_id");
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void tablesAreListedInDeleteOrderLeavesFirstRootLast() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("orders").id().references("users", "user_id")
                .table("order_lines").id().references("orders", "order_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.tables())
                .extracting(tb -> tb.name().name(), PurgeTable::height, PurgeTable::primaryEdge, PurgeTable::backupTable)
                .containsExactly(
                        tuple("order_lines", 0, 4, "bk_purge_order_lines"),
                        tuple("orders", 1, 3, "bk_purge_orders"),
                        tuple("users", 2, 2, "bk_purge_users"),
                        tuple("tenants", 3, 1, "bk_purge_tenants"));
    }

    @Test
    void tablesOfEqualHeightAreOrderedByName() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("zones").id().references("tenants", "tenant_id")
                .table("accounts").id().references("tenants", "tenant_id")
                .table("users").id().references("tenants", "tenant_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.tables()).extracting(tb -> tb.name().name())
                .containsExactly("accounts", "users", "zones", "tenants");
        assertThat(plan.edges()).extracting(e -> e.child().name())
                .containsExactly("tenants", "accounts", "users", "zones");
    }

    @Test
    void diamondReachesSharedChildTwiceButListsItOnce() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("teams").id().references("tenants", "tenant_id")
                .table("members").id().references("users", "user_id").references("teams", "team_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        // Breadth first, children in name order: teams (2) before users (3); members first reached from teams.
        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parentEdgeId().orElse(0), e -> e.parent().name(), e -> e.child().name(),
                        Edge::strategy, Edge::depth, Edge::height, Edge::primary)
                .containsExactly(
                        tuple(1, 0, "tenants", "tenants", Strategy.DELETE, 0, 2, true),
                        tuple(2, 1, "tenants", "teams", Strategy.DELETE, 1, 1, true),
                        tuple(3, 1, "tenants", "users", Strategy.DELETE, 1, 1, true),
                        tuple(4, 2, "teams", "members", Strategy.DELETE, 2, 0, true),
                        tuple(5, 3, "users", "members", Strategy.DELETE, 2, 0, false));
        assertThat(plan.tables()).extracting(tb -> tb.name().name(), PurgeTable::height, PurgeTable::primaryEdge)
                .containsExactly(
                        tuple("members", 0, 4),
                        tuple("teams", 1, 2),
                        tuple("users", 1, 3),
                        tuple("tenants", 2, 1));
        assertThat(plan.followedEdges()).extracting(Edge::id).containsExactly(1, 2, 3, 4, 5);
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void shorterPathGivesThePrimaryEdgeAndLongerPathGivesTheHeight() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("documents").id().references("tenants", "tenant_id").references("users", "author_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parentEdgeId().orElse(0), e -> e.parent().name(), e -> e.child().name(),
                        Edge::depth, Edge::height, Edge::primary)
                .containsExactly(
                        tuple(1, 0, "tenants", "tenants", 0, 2, true),
                        tuple(2, 1, "tenants", "documents", 1, 0, true),
                        tuple(3, 1, "tenants", "users", 1, 1, true),
                        tuple(4, 3, "users", "documents", 2, 0, false));
        assertThat(plan.tables()).extracting(tb -> tb.name().name())
                .containsExactly("documents", "users", "tenants");
    }

    @Test
    void twoForeignKeysBetweenTheSameTablesAreTwoEdges() {
        Catalog catalog = new CatalogBuilder()
                .table("users").id()
                .table("projects").id().references("users", "owner_id").references("users", "creator_id")
                .build();

        PurgePlan plan = plan(catalog, "users");

        // Same child: ordered by constraint name, so creator before owner.
        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.foreignKey().map(fk -> fk.name()).orElse(""), e -> e.parentEdgeId().orElse(0),
                        Edge::strategy, Edge::depth, Edge::height, Edge::primary)
                .containsExactly(
                        tuple(1, "", 0, Strategy.DELETE, 0, 1, true),
                        tuple(2, "projects_creator_id_fkey", 1, Strategy.DELETE, 1, 0, true),
                        tuple(3, "projects_owner_id_fkey", 1, Strategy.DELETE, 1, 0, false));
        assertThat(edge(plan, "projects_owner_id_fkey").foreignKey().orElseThrow().childColumns())
                .containsExactly("owner_id");
        assertThat(plan.tables()).extracting(tb -> tb.name().name(), PurgeTable::primaryEdge)
                .containsExactly(tuple("projects", 2), tuple("users", 1));
    }

    @Test
    void compositeForeignKeyKeepsColumnPairsInOrder() {
        Catalog catalog = new CatalogBuilder()
                .table("orders").primaryKey("tenant_id", "order_no")
                .table("order_lines").primaryKey("tenant_id", "order_no", "line_no")
                .references("orders", "tenant_id", "order_no").named("order_lines_order_fk")
                .build();

        PurgePlan plan = plan(catalog, "orders");

        Edge lines = edge(plan, "order_lines_order_fk");
        assertThat(lines.id()).isEqualTo(2);
        assertThat(lines.parentEdgeId()).contains(1);
        assertThat(lines.foreignKey().orElseThrow().childColumns()).containsExactly("tenant_id", "order_no");
        assertThat(lines.foreignKey().orElseThrow().parentColumns()).containsExactly("tenant_id", "order_no");
        assertThat(plan.table(t("order_lines")).orElseThrow().key())
                .isEqualTo(new UniqueKey("order_lines_pkey", List.of("tenant_id", "order_no", "line_no"), true));
        assertThat(plan.table(t("orders")).orElseThrow().key().columns()).containsExactly("tenant_id", "order_no");
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void foreignKeyToUniqueKeyThatIsNotThePrimaryKeyIsFollowed() {
        Catalog catalog = new CatalogBuilder()
                .table("customers").id().column("code").uniqueKey("customers_code_key", "code")
                .table("invoices").id().references("customers", "customer_code").toColumns("code")
                .build();

        PurgePlan plan = plan(catalog, "customers");

        Edge invoices = edge(plan, "invoices_customer_code_fkey");
        assertThat(invoices.foreignKey().orElseThrow().parentColumns()).containsExactly("code");
        assertThat(invoices.primary()).isTrue();
        // Rows are still matched on each table's own primary key.
        assertThat(plan.table(t("customers")).orElseThrow().key().name()).isEqualTo("customers_pkey");
    }

    @Test
    void foreignKeysAcrossSchemasAreFollowed() {
        Catalog catalog = new CatalogBuilder()
                .table("app.tenants").id()
                .table("billing.invoices").id().references("app.tenants", "tenant_id")
                .build();

        PurgePlan plan = plan(catalog, "app.tenants");

        assertThat(plan.edges()).extracting(Edge::child).containsExactly(t("app.tenants"), t("billing.invoices"));
        assertThat(plan.tables()).extracting(PurgeTable::name).containsExactly(t("billing.invoices"), t("app.tenants"));
    }

    @Test
    void tablesOutsideTheClosureAreLeftOut() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("countries").id()
                .table("addresses").id().references("countries", "country_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        // users references tenants (followed); tenants does not reference countries, and addresses is unrelated.
        assertThat(plan.tables()).extracting(tb -> tb.name().name()).containsExactly("users", "tenants");
        assertThat(plan.edges()).hasSize(2);
    }

    @Test
    void sameTableNameInTwoSchemasGivesSchemaQualifiedBackupNames() {
        Catalog catalog = new CatalogBuilder()
                .table("app.users").id()
                .table("audit.users").id().references("app.users", "user_id")
                .table("app.orders").id().references("app.users", "user_id")
                .build();

        PurgePlan plan = plan(catalog, "app.users");

        assertThat(plan.table(t("app.users")).orElseThrow().backupTable()).isEqualTo("bk_purge_app_users");
        assertThat(plan.table(t("audit.users")).orElseThrow().backupTable()).isEqualTo("bk_purge_audit_users");
        assertThat(plan.table(t("app.orders")).orElseThrow().backupTable()).isEqualTo("bk_purge_orders");
    }

    @Test
    void planKeepsTheJob() {
        Catalog catalog = new CatalogBuilder().table("tenants").id().build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.job()).isEqualTo(TestJobs.job("tenants"));
        assertThat(plan.table(t("tenants"))).map(PurgeTable::backupTable).isEqualTo(Optional.of("bk_purge_tenants"));
    }
}
