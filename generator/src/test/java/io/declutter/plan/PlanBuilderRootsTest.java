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

    private static final Catalog REPOINT = new CatalogBuilder()
            .table("users").id().nullableColumn("email")
            .table("sessions").id().references("users", "user_id").onDelete(io.declutter.model.OnDelete.CASCADE)
            .table("members").column("team").references("users", "user_id").primaryKey("team", "user_id")
            .table("notes").id().nullableColumn("author_ref").column("doc_ref")
            .table("people").id().nullableColumn("email").nullableColumn("boss_id").references("people", "boss_id")
            .build();

    private static final RootRows.DuplicatesOf REPOINTING = new RootRows.DuplicatesOf(List.of("lower(email)"),
            new RootRows.Keep(RootRows.Keep.Order.LOWEST, Optional.empty()), true);

    /** children: repoint (docs/design.md#re-pointing): every reference into the table is re-pointed, not followed. */
    @Test
    void repointingDuplicatesReachesNoOtherTableAndWarnsAboutAUniqueKeyHoldingTheReference() {
        LogicalReference author = new LogicalReference("note_author", CatalogBuilder.name("notes"),
                List.of("author_ref"), CatalogBuilder.name("users"), List.of(), LogicalReference.Action.DELETE);
        PurgePlan plan = TestJobs.plan(REPOINT, rooted("users", REPOINTING, author));
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.tables()).extracting(t -> t.name().name()).containsExactly("users");
        assertThat(plan.nullified()).allMatch(io.declutter.model.NullifiedEdge::repoint)
                .extracting(n -> n.foreignKey().child().name()).containsExactlyInAnyOrder("sessions", "members", "notes");
        assertThat(plan.findings()).filteredOn(f -> f.kind() == io.declutter.model.Finding.Kind.REPOINT
                        && f.severity() == io.declutter.model.Finding.Severity.WARNING)
                .singleElement().satisfies(f -> assertThat(f.message()).contains("unique key").contains("team, user_id"));

        // a self-reference is re-pointed too, where purging the children would be refused
        PurgePlan people = TestJobs.plan(REPOINT, rooted("people", REPOINTING));
        assertThat(people.tables()).extracting(t -> t.name().name()).containsExactly("people");
        assertThat(people.nullified()).singleElement().satisfies(n -> assertThat(n.repoint()).isTrue());
    }

    /** onDelete: set null (docs/design.md#logical-references): a SET NULL edge; onto a NOT NULL column, refused. */
    @Test
    void aSetNullLogicalReferenceIsANullifiedEdgeAndRefusedOntoANotNullColumn() {
        LogicalReference author = new LogicalReference("note_author", CatalogBuilder.name("notes"),
                List.of("author_ref"), CatalogBuilder.name("users"), List.of(), LogicalReference.Action.SET_NULL);
        Job job = TestJobs.job("users");
        PurgePlan plan = TestJobs.plan(REPOINT, new Job(job.name(), job.root(), job.rows(), job.batchSize(),
                job.backup(), job.excludedTables(), job.lockTimeout(), job.statementTimeout(), List.of(), List.of(),
                List.of(author)));
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.nullified()).singleElement().satisfies(n -> {
            assertThat(n.foreignKey().logical()).isTrue();
            assertThat(n.repoint()).isFalse();
        });
        assertThat(plan.tables()).extracting(t -> t.name().name()).doesNotContain("notes");

        LogicalReference doc = new LogicalReference("note_doc", CatalogBuilder.name("notes"), List.of("doc_ref"),
                CatalogBuilder.name("users"), List.of(), LogicalReference.Action.SET_NULL);
        PurgePlan refused = TestJobs.plan(REPOINT, new Job(job.name(), job.root(), job.rows(), job.batchSize(),
                job.backup(), job.excludedTables(), job.lockTimeout(), job.statementTimeout(), List.of(), List.of(),
                List.of(doc)));
        assertThat(refused.errors()).singleElement().satisfies(f -> assertThat(f.message())
                .contains("'onDelete: set null'").contains("doc_ref is NOT NULL"));
    }
}
