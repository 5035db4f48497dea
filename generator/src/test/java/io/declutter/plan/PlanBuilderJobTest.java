package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.ForeignKey;
import io.declutter.model.InvalidJobException;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.Table;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.declutter.plan.TestJobs.job;
import static io.declutter.plan.TestJobs.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jobs naming tables that do not exist, and plans that must not depend on the order of the catalog. */
class PlanBuilderJobTest {

    private static final Catalog SCHEMA = new CatalogBuilder()
            .table("app.tenants").id()
            .table("app.users").id().references("app.tenants", "tenant_id")
            .table("billing.tenant").id()
            .table("billing.audit_log").id()
            .build();

    @Test
    void unknownRootTableIsRefusedNamingIt() {
        assertThatThrownBy(() -> plan(SCHEMA, "app.customers"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("job purge")
                .hasMessageContaining("root table app.customers does not exist")
                .hasMessageContaining("root.table")
                .hasMessageNotContaining("tables with that name");
    }

    @Test
    void unknownRootTableListsTablesOfThatNameInOtherSchemas() {
        assertThatThrownBy(() -> plan(SCHEMA, "app.tenant"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("root table app.tenant does not exist (tables with that name: billing.tenant)");
    }

    @Test
    void unknownExcludedTableIsRefusedNamingIt() {
        assertThatThrownBy(() -> plan(SCHEMA, "app.tenants", "app.sessions"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("excluded table app.sessions does not exist")
                .hasMessageContaining("'exclude'")
                .hasMessageNotContaining("tables with that name");
    }

    @Test
    void unknownExcludedTableListsTablesOfThatNameInOtherSchemas() {
        assertThatThrownBy(() -> plan(SCHEMA, "app.tenants", "app.audit_log"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("excluded table app.audit_log does not exist"
                        + " (tables with that name: billing.audit_log)");
    }

    @Test
    void excludedTableOutsideTheClosureIsAccepted() {
        PurgePlan plan = plan(SCHEMA, "app.tenants", "billing.audit_log");

        assertThat(plan.findings()).isEmpty();
        assertThat(plan.edges()).hasSize(2);
    }

    // --- determinism -----------------------------------------------------------------------------------------

    /** Diamond, self-reference, two keys between the same tables, an excluded table and an unindexed key. */
    private static Catalog richCatalog() {
        return new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .table("teams").id().references("tenants", "tenant_id")
                .table("members").id().references("users", "user_id").references("teams", "team_id").unindexed()
                .table("projects").id().references("users", "owner_id").references("users", "creator_id")
                .table("folders").id().nullableColumn("parent_id")
                .references("projects", "project_id").references("folders", "parent_id")
                .table("audit_log").id().references("users", "user_id").onDelete(OnDelete.CASCADE)
                .table("other.users").id().references("tenants", "tenant_id")
                .build();
    }

    @Test
    void buildingTwiceGivesEqualPlans() {
        Catalog catalog = richCatalog();

        assertThat(plan(catalog, job("tenants", "audit_log")))
                .isEqualTo(plan(catalog, job("tenants", "audit_log")));
    }

    @Test
    void orderOfTablesAndForeignKeysInTheCatalogDoesNotMatter() {
        Catalog catalog = richCatalog();
        List<Table> tables = new ArrayList<>(catalog.tables());
        List<ForeignKey> foreignKeys = new ArrayList<>(catalog.foreignKeys());
        Collections.reverse(tables);
        Collections.reverse(foreignKeys);
        Catalog reversed = new Catalog(tables, foreignKeys);
        Collections.shuffle(tables, new Random(42));
        Collections.shuffle(foreignKeys, new Random(7));
        Catalog shuffled = new Catalog(tables, foreignKeys);

        PurgePlan expected = plan(catalog, job("tenants", "audit_log"));

        assertThat(plan(reversed, job("tenants", "audit_log"))).isEqualTo(expected);
        assertThat(plan(shuffled, job("tenants", "audit_log"))).isEqualTo(expected);
        assertThat(expected.edges()).hasSize(11);
        assertThat(expected.tables()).hasSize(7);
    }

    @Test
    void orderOfExcludedTablesInTheJobDoesNotMatter() {
        Catalog catalog = richCatalog();

        assertThat(plan(catalog, job("tenants", "audit_log", "teams")))
                .isEqualTo(plan(catalog, job("tenants", "teams", "audit_log")));
    }
}
