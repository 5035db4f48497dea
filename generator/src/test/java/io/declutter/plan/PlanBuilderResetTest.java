package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.InvalidJobException;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import org.junit.jupiter.api.Test;

import static io.declutter.plan.TestJobs.edge;
import static io.declutter.plan.TestJobs.job;
import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static io.declutter.plan.TestJobs.withOverrides;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * ON DELETE SET NULL / SET DEFAULT edges the database would refuse to reset (it then refuses the parent's delete, as
 * under RESTRICT): refused by plan unless the job follows the edge as a delete through an 'edges' override.
 */
class PlanBuilderResetTest {

    /** The shape: events.user_id NOT NULL, ON DELETE SET NULL. */
    private static Catalog notNullSetNull() {
        return new CatalogBuilder()
                .table("orgs").id()
                .table("users").id().references("orgs", "org_id")
                .table("events").id().references("users", "user_id").onDelete(OnDelete.SET_NULL)
                .table("event_tags").id().references("events", "event_id")
                .build();
    }

    @Test
    void setNullOntoANotNullColumnIsAnErrorNamingBothWaysOut() {
        PurgePlan plan = plan(notNullSetNull(), "orgs");

        assertThat(plan.errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.RESET_REFUSED);
            assertThat(f.subject()).isEqualTo("events_user_id_fkey");
            assertThat(f.message()).contains("ON DELETE SET NULL").contains("app.events column user_id is NOT NULL")
                    .contains("as if the foreign key were RESTRICT")
                    .contains("edges: [{table: app.events, constraint: events_user_id_fkey, strategy: delete}]")
                    .contains("exclude app.events");
        });
        assertThat(edge(plan, "events_user_id_fkey").strategy()).isEqualTo(Strategy.SET_NULL);
    }

    @Test
    void overrideFollowsTheEdgeAsADeleteWithTheChildsOwnClosure() {
        PurgePlan plan = plan(notNullSetNull(), withOverrides(job("orgs"), "events.events_user_id_fkey"));

        assertThat(plan.errors()).isEmpty();
        assertThat(edge(plan, "events_user_id_fkey").strategy()).isEqualTo(Strategy.DELETE);
        assertThat(plan.nullified()).isEmpty();
        assertThat(plan.tables()).extracting(PurgeTable::name)
                .containsExactly(t("event_tags"), t("events"), t("users"), t("orgs"));
        assertThat(plan.findings()).extracting(Finding::severity, Finding::kind, Finding::subject)
                .containsExactly(tuple(Severity.INFO, Kind.OVERRIDDEN_EDGE, "events_user_id_fkey"));
    }

    @Test
    void overrideNamingNoEdgeOfTheClosureIsRejected() {
        assertThatThrownBy(() -> plan(notNullSetNull(), withOverrides(job("orgs"), "events.events_usr_id_fkey")))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("app.events.events_usr_id_fkey")
                .hasMessageContaining("no foreign key of that name on that table leads from a purged table");
    }

    @Test
    void overrideOfAnEdgeIntoAnExcludedTableIsRejected() {
        assertThatThrownBy(() -> plan(notNullSetNull(),
                withOverrides(job("orgs", "events"), "events.events_user_id_fkey")))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("app.events.events_user_id_fkey is overridden in 'edges', but its table"
                        + " app.events is excluded");
    }

    @Test
    void excludingTheChildLeavesAWarningThatItsRowsBlockTheDelete() {
        PurgePlan plan = plan(notNullSetNull(), "orgs", "events");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.findings()).extracting(Finding::severity, Finding::kind, Finding::subject)
                .containsExactly(tuple(Severity.WARNING, Kind.BLOCKING_EDGE, "events_user_id_fkey"));
        assertThat(plan.findings().get(0).message()).contains("a reset the database refuses")
                .contains("make the delete fail");
    }

    @Test
    void setNullOfANullableSubsetOfACompositeKeyIsAccepted() {
        Catalog catalog = new CatalogBuilder()
                .table("orgs").id()
                .table("users").id().column("org_id").uniqueKey("users_org_key", "org_id", "id")
                .table("docs").id().column("org_id").nullableColumn("owner_id")
                .references("users", "org_id", "owner_id").toColumns("org_id", "id")
                .onDelete(OnDelete.SET_NULL).resetting("owner_id")
                .build();

        PurgePlan plan = plan(catalog, "users");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.nullified()).singleElement()
                .satisfies(n -> assertThat(n.foreignKey().resetColumns()).containsExactly("owner_id"));
    }

    @Test
    void setNullOfTheWholeCompositeKeyWithANotNullColumnIsAnError() {
        Catalog catalog = new CatalogBuilder()
                .table("orgs").id()
                .table("users").id().column("org_id").uniqueKey("users_org_key", "org_id", "id")
                .table("docs").id().column("org_id").nullableColumn("owner_id")
                .references("users", "org_id", "owner_id").toColumns("org_id", "id")
                .onDelete(OnDelete.SET_NULL)
                .build();

        assertThat(plan(catalog, "users").errors()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("app.docs column org_id is NOT NULL"));
    }

    @Test
    void setDefaultWithoutADefaultOntoANotNullColumnIsAnError() {
        Catalog catalog = new CatalogBuilder()
                .table("orgs").id()
                .table("users").id().references("orgs", "org_id").onDelete(OnDelete.SET_DEFAULT)
                .build();

        assertThat(plan(catalog, "orgs").errors()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.RESET_REFUSED);
            assertThat(f.message()).contains("ON DELETE SET DEFAULT").contains("with no default (its default is NULL)");
        });
        Catalog nullDefault = new CatalogBuilder()
                .table("orgs").id()
                .table("users").id().column("org_id").defaultValue("org_id", "NULL::bigint")
                .references("orgs", "org_id").onDelete(OnDelete.SET_DEFAULT)
                .build();
        assertThat(plan(nullDefault, "orgs").errors()).extracting(Finding::kind).containsExactly(Kind.RESET_REFUSED);
    }

    @Test
    void setDefaultToAValueIsAWarningThatTheParentMustHoldItAndKeepIt() {
        Catalog catalog = new CatalogBuilder()
                .table("orgs").id()
                .table("users").id().column("org_id").defaultValue("org_id", "0")
                .references("orgs", "org_id").onDelete(OnDelete.SET_DEFAULT)
                .build();

        PurgePlan plan = plan(catalog, "orgs");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.kind()).isEqualTo(Kind.SET_DEFAULT);
            assertThat(f.message()).contains("sets org_id = 0").contains("unless app.orgs holds a row with that key")
                    .contains("strategy: delete");
        });
    }

    @Test
    void unindexedSetNullColumnIsReportedLikeAnyUnindexedForeignKey() {
        Catalog catalog = new CatalogBuilder()
                .table("orgs").id()
                .table("notes").id().nullableColumn("org_id").references("orgs", "org_id")
                .onDelete(OnDelete.SET_NULL).unindexed()
                .build();

        PurgePlan plan = plan(catalog, "orgs");

        assertThat(plan.findings()).extracting(Finding::severity, Finding::kind, Finding::subject)
                .containsExactly(tuple(Severity.WARNING, Kind.UNINDEXED_FK, "notes_org_id_fkey"));
        assertThat(plan.findings().get(0).message()).contains("to find the rows the database resets");
        assertThat(plan.edges()).extracting(Edge::strategy).containsExactly(Strategy.DELETE, Strategy.SET_NULL);
    }

    @Test
    void checkConstraintOnAResetColumnIsAWarningThatTheRunChecksIt() {
        Catalog catalog = new CatalogBuilder()
                .table("orgs").id()
                .table("notes").id().nullableColumn("org_id").references("orgs", "org_id")
                .onDelete(OnDelete.SET_NULL).resetCheck("notes_owned", "(org_id IS NOT NULL)")
                .build();

        PurgePlan plan = plan(catalog, "orgs");

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.RESET_CHECK);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("CHECK notes_owned (org_id IS NOT NULL)")
                    .contains("the run checks it on every row it will reset");
        });
    }
}
