package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import org.junit.jupiter.api.Test;

import static io.declutter.plan.TestJobs.edge;
import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Self-references and cycles across tables: cycle groups, which edges break a cycle, and refusals. */
class PlanBuilderCycleTest {

    /** tenants <- categories (parent_id -> categories) <- products. */
    private static Catalog categoryTree(boolean parentNullable) {
        CatalogBuilder b = new CatalogBuilder();
        b.table("tenants").id();
        CatalogBuilder.TableBuilder categories = b.table("categories").id();
        if (parentNullable) {
            categories.nullableColumn("parent_id");
        } else {
            categories.column("parent_id");
        }
        categories.references("tenants", "tenant_id").references("categories", "parent_id");
        b.table("products").id().references("categories", "category_id");
        return b.build();
    }

    @Test
    void nullableSelfReferenceIsACycleGroupBrokenByItsOwnEdge() {
        PurgePlan plan = plan(categoryTree(true), "tenants");

        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parentEdgeId().orElse(0), e -> e.parent().name(), e -> e.child().name(),
                        Edge::depth, Edge::height, Edge::cycleGroup, Edge::breaksCycle, Edge::primary)
                .containsExactly(
                        tuple(1, 0, "tenants", "tenants", 0, 2, 0, false, true),
                        tuple(2, 1, "tenants", "categories", 1, 1, 0, false, true),
                        tuple(3, 2, "categories", "categories", 2, 1, 1, true, false),
                        tuple(4, 2, "categories", "products", 2, 0, 0, false, true));
        assertThat(edge(plan, "categories_parent_id_fkey").strategy()).isEqualTo(Strategy.DELETE);
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void nullableSelfReferenceLeavesHeightsAsWithoutIt() {
        PurgePlan plan = plan(categoryTree(true), "tenants");

        assertThat(plan.tables())
                .extracting(tb -> tb.name().name(), PurgeTable::height, PurgeTable::cycleGroup, PurgeTable::primaryEdge)
                .containsExactly(
                        tuple("products", 0, 0, 4),
                        tuple("categories", 1, 1, 2),
                        tuple("tenants", 2, 0, 1));
    }

    @Test
    void notNullSelfReferenceMakesATreeDeletedChildrenFirst() {
        PurgePlan plan = plan(categoryTree(false), "tenants");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.findings()).filteredOn(f -> f.kind() == Kind.CYCLE).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.subject()).isEqualTo("app.categories");
            assertThat(f.message()).contains("NOT NULL self-reference", "categories_parent_id_fkey", "children before");
        });
        Edge self = edge(plan, "categories_parent_id_fkey");
        assertThat(self.cycleGroup()).isEqualTo(1);
        assertThat(self.breaksCycle()).isFalse();
        assertThat(plan.table(t("categories")).orElseThrow().childrenFirst()).isTrue();
        assertThat(plan.table(t("tenants")).orElseThrow().childrenFirst()).isFalse();
    }

    @Test
    void selfReferenceWithOneNullableAndOneNotNullColumnIsATreeNotADetach() {
        Catalog catalog = new CatalogBuilder()
                .table("nodes").primaryKey("tree_id", "node_id").nullableColumn("parent_node_id")
                .references("nodes", "tree_id", "parent_node_id").named("nodes_parent_fk")
                .build();

        PurgePlan plan = plan(catalog, "nodes");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.table(t("nodes")).orElseThrow().childrenFirst()).isTrue();
        assertThat(edge(plan, "nodes_parent_fk").breaksCycle()).isFalse();
    }

    @Test
    void nullableSelfReferenceIsDetachedNotOrdered() {
        PurgePlan plan = plan(categoryTree(true), "tenants");

        assertThat(plan.table(t("categories")).orElseThrow().childrenFirst()).isFalse();
        assertThat(edge(plan, "categories_parent_id_fkey").breaksCycle()).isTrue();
    }

    @Test
    void selfReferencingRootIsItsOwnCycleGroup() {
        Catalog catalog = new CatalogBuilder()
                .table("employees").id().nullableColumn("manager_id").references("employees", "manager_id")
                .build();

        PurgePlan plan = plan(catalog, "employees");

        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parentEdgeId().orElse(0), Edge::depth, Edge::height,
                        Edge::cycleGroup, Edge::breaksCycle, Edge::primary)
                .containsExactly(
                        tuple(1, 0, 0, 0, 1, false, true),
                        tuple(2, 1, 1, 0, 1, true, false));
        assertThat(plan.tables()).extracting(PurgeTable::cycleGroup).containsExactly(1);
        assertThat(plan.findings()).isEmpty();
    }

    @Test
    void twoSelfReferencesGetTwoCycleGroupsNumberedInTableOrder() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("folders").id().nullableColumn("parent_id")
                .references("tenants", "tenant_id").references("folders", "parent_id")
                .table("categories").id().nullableColumn("parent_id")
                .references("tenants", "tenant_id").references("categories", "parent_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(edge(plan, "categories_parent_id_fkey").cycleGroup()).isEqualTo(1);
        assertThat(edge(plan, "folders_parent_id_fkey").cycleGroup()).isEqualTo(2);
        assertThat(plan.table(t("categories")).orElseThrow().cycleGroup()).isEqualTo(1);
        assertThat(plan.table(t("folders")).orElseThrow().cycleGroup()).isEqualTo(2);
        assertThat(plan.table(t("tenants")).orElseThrow().cycleGroup()).isZero();
    }

    @Test
    void cycleAcrossTwoTablesIsBrokenThroughItsNullableForeignKey() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("departments").id().references("tenants", "tenant_id")
                .nullableColumn("manager_id").references("employees", "manager_id")
                .table("employees").id().references("tenants", "tenant_id").references("departments", "department_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.edges())
                .extracting(Edge::id, e -> e.parent().name(), e -> e.child().name(),
                        Edge::height, Edge::cycleGroup, Edge::breaksCycle, Edge::primary)
                .containsExactly(
                        tuple(1, "tenants", "tenants", 2, 0, false, true),
                        tuple(2, "tenants", "departments", 1, 0, false, true),
                        tuple(3, "tenants", "employees", 0, 0, false, true),
                        tuple(4, "departments", "employees", 0, 1, false, false),
                        tuple(5, "employees", "departments", 1, 1, true, false));
        // Employees go first (they reference departments through a NOT NULL column); both share a cache rank.
        assertThat(plan.tables()).extracting(tb -> tb.name().name(), PurgeTable::height, PurgeTable::cacheRank)
                .containsExactly(tuple("employees", 0, 0), tuple("departments", 1, 0), tuple("tenants", 2, 1));
    }

    @Test
    void cycleAcrossTwoTablesWithoutANullableForeignKeyIsRefusedNamingTablesAndConstraints() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("departments").id().references("tenants", "tenant_id")
                .references("employees", "manager_id")
                .table("employees").id().references("tenants", "tenant_id").references("departments", "department_id")
                .build();

        PurgePlan plan = plan(catalog, "tenants");

        assertThat(plan.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.CYCLE);
            assertThat(f.subject()).isEqualTo("app.departments, app.employees");
            assertThat(f.message())
                    .contains("app.departments, app.employees")
                    .contains("departments_manager_id_fkey, employees_department_id_fkey")
                    .contains("nullable").contains("exclud");
        });
        assertThat(plan.edges()).extracting(Edge::cycleGroup, Edge::breaksCycle)
                .containsExactly(tuple(0, false), tuple(0, false), tuple(0, false), tuple(1, false), tuple(1, false));
    }

    @Test
    void onlyAsManyNullableForeignKeysAreBrokenAsTheCycleNeeds() {
        // a -> b -> c -> a, with b.a_id and c.b_id nullable: breaking one of them is enough.
        Catalog catalog = new CatalogBuilder()
                .table("root").id()
                .table("a").id().references("root", "root_id").references("c", "c_id")
                .table("b").id().nullableColumn("a_id").references("a", "a_id")
                .table("c").id().nullableColumn("b_id").references("b", "b_id")
                .build();

        PurgePlan plan = plan(catalog, "root");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.edges().stream().filter(Edge::breaksCycle).map(e -> e.foreignKey().orElseThrow().name()))
                .containsExactly("c_b_id_fkey");
    }

    @Test
    void tablesOfAnUnresolvedCycleShareTheirHeight() {
        Catalog catalog = new CatalogBuilder()
                .table("a").id()
                .table("b").id().references("a", "a_id").references("c", "c_id")
                .table("c").id().references("b", "b_id")
                .table("d").id().references("c", "c2_id")
                .build();

        PurgePlan plan = plan(catalog, "a");

        assertThat(plan.tables()).extracting(tb -> tb.name().name(), PurgeTable::height, PurgeTable::cycleGroup)
                .containsExactly(
                        tuple("d", 0, 0),
                        tuple("b", 1, 1),
                        tuple("c", 1, 1),
                        tuple("a", 2, 0));
        assertThat(plan.errors()).extracting(Finding::subject).containsExactly("app.b, app.c");
    }
}
