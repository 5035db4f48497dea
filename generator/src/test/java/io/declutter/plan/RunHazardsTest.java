package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.Job;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.TableAccess;
import io.declutter.model.TableAccess.SequenceGrant;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.declutter.plan.TestJobs.job;
import static io.declutter.plan.TestJobs.plan;
import static org.assertj.core.api.Assertions.assertThat;

/** Findings about running the job as the role that read the catalog: RLS, DELETE rules, exclusion, privileges. */
class RunHazardsTest {

    /** Nothing in the way: the role holds every privilege, no RLS, no rule, no exclusion constraint. */
    private static TableAccess clear(String table) {
        return new TableAccess("purger", "app." + table, false, false, false, "owner", List.of(), Optional.of(List.of()),
                List.of(), List.of(), List.of(), List.of());
    }

    private static TableAccess rls(String table, boolean bypassed, boolean force, String... policies) {
        return new TableAccess("purger", "app." + table, true, bypassed, force, "owner", List.of(policies),
                Optional.of(List.of()), List.of(), List.of(), List.of(), List.of());
    }

    private static TableAccess rules(String table, List<String> instead, List<String> also) {
        return new TableAccess("purger", "app." + table, false, false, false, "owner", List.of(), Optional.of(List.of()),
                List.of(), instead, also, List.of());
    }

    private static TableAccess missing(String table, String... privileges) {
        return new TableAccess("purger", "app." + table, false, false, false, "owner", List.of(),
                Optional.of(List.of(privileges)), List.of(), List.of(), List.of(), List.of());
    }

    private static List<Finding> of(PurgePlan plan, Kind kind) {
        return plan.findings().stream().filter(f -> f.kind() == kind).toList();
    }

    @Test
    void unknownAccessGivesNoFinding() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .build();
        assertThat(plan(catalog, "tenants").findings()).isEmpty();
    }

    @Test
    void rowSecurityThatFiltersThePurgingRoleIsAnError() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(clear("tenants"))
                .table("users").id().references("tenants", "tenant_id").access(rls("users", false, false, "own_rows"))
                .build();
        PurgePlan plan = plan(catalog, "tenants");
        assertThat(of(plan, Kind.ROW_SECURITY)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.subject()).isEqualTo("app.users");
            assertThat(f.message()).contains("row-level security enabled (policy own_rows)",
                    "role purger is not its owner owner", "the closure misses the others",
                    "ALTER ROLE purger BYPASSRLS");
        });
        assertThat(plan.errors()).hasSize(1);
    }

    @Test
    void rowSecurityTheRoleBypassesIsNoFinding() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(rls("tenants", true, false, "p"))
                .build();
        assertThat(plan(catalog, "tenants").findings()).isEmpty();
    }

    @Test
    void forcedRowSecuritySaysToDropForceAndRunAsOwner() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(rls("tenants", false, true))
                .build();
        assertThat(of(plan(catalog, "tenants"), Kind.ROW_SECURITY)).singleElement().satisfies(f -> assertThat(
                f.message()).contains("no policy, so every row is hidden", "FORCEs row-level security",
                "ALTER TABLE app.tenants NO FORCE ROW LEVEL SECURITY"));
    }

    @Test
    void rowSecurityOnASetNullChildIsAnErrorAboutRollback() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(clear("tenants"))
                .table("notes").id().nullableColumn("tenant_id").references("tenants", "tenant_id")
                .onDelete(OnDelete.SET_NULL).access(rls("notes", false, false, "p"))
                .build();
        assertThat(of(plan(catalog, "tenants"), Kind.ROW_SECURITY)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.message()).contains("table app.notes", "rollback cannot restore the others");
        });
    }

    @Test
    void insteadRuleIsAnErrorAndAlsoRuleAWarning() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(rules("tenants", List.of("soft_delete"), List.of()))
                .table("users").id().references("tenants", "tenant_id")
                .access(rules("users", List.of(), List.of("log_delete")))
                .build();
        List<Finding> found = of(plan(catalog, "tenants"), Kind.DELETE_RULE);
        assertThat(found).extracting(Finding::severity, Finding::subject).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, "app.tenants"),
                org.assertj.core.groups.Tuple.tuple(Severity.WARNING, "app.users"));
        assertThat(found.get(0).message()).contains("DO INSTEAD rule soft_delete ON DELETE",
                "ALTER TABLE app.tenants DISABLE RULE soft_delete", "or exclude app.tenants");
        assertThat(found.get(1).message()).contains("DO ALSO rule log_delete", "rollback does not fire rules",
                "ALTER TABLE app.users DISABLE RULE log_delete");
    }

    @Test
    void exclusionConstraintWarnsAboutRollbackOnlyWithBackup() {
        TableAccess excl = new TableAccess("purger", "app.bookings", false, false, false, "owner", List.of(),
                Optional.of(List.of()), List.of("no_overlap"), List.of(), List.of(), List.of());
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id()
                .table("bookings").id().references("tenants", "tenant_id").access(excl)
                .build();
        assertThat(of(plan(catalog, "tenants"), Kind.EXCLUSION)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("exclusion constraint no_overlap", "rollback can fail");
        });
        Job noBackup = job("tenants");
        noBackup = new Job(noBackup.name(), noBackup.root(), noBackup.rootPredicate(), noBackup.batchSize(), false,
                noBackup.excludedTables(), noBackup.lockTimeout(), noBackup.statementTimeout());
        assertThat(of(plan(catalog, noBackup), Kind.EXCLUSION)).isEmpty();
    }

    @Test
    void missingTablePrivilegesAreAnErrorWithTheGrant() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(missing("tenants", "INSERT", "DELETE"))
                .table("users").id().references("tenants", "tenant_id").access(missing("users", "UPDATE"))
                .build();
        List<Finding> found = of(plan(catalog, "tenants"), Kind.PRIVILEGE);
        assertThat(found).allMatch(f -> f.severity() == Severity.ERROR).extracting(Finding::subject)
                .containsExactly("app.tenants", "app.users");
        assertThat(found.get(0).message()).contains("role purger lacks INSERT, DELETE on table app.tenants",
                "INSERT for rollback to restore them", "GRANT INSERT, DELETE ON app.tenants TO purger;");
        assertThat(found.get(1).message()).contains("SELECT ... FOR UPDATE", "GRANT UPDATE ON app.users TO purger;");
    }

    @Test
    void withoutBackupInsertIsNotNeeded() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(missing("tenants", "INSERT"))
                .build();
        Job job = job("tenants");
        job = new Job(job.name(), job.root(), job.rootPredicate(), job.batchSize(), false, job.excludedTables(),
                job.lockTimeout(), job.statementTimeout());
        assertThat(plan(catalog, job).findings()).isEmpty();
        assertThat(of(plan(catalog, "tenants"), Kind.PRIVILEGE)).hasSize(1);
    }

    @Test
    void setNullChildNeedsSelectAndUpdateOnly() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().access(clear("tenants"))
                .table("notes").id().nullableColumn("tenant_id").references("tenants", "tenant_id")
                .onDelete(OnDelete.SET_NULL).access(missing("notes", "INSERT", "UPDATE", "DELETE"))
                .build();
        assertThat(of(plan(catalog, "tenants"), Kind.PRIVILEGE)).singleElement().satisfies(f -> assertThat(
                f.message()).contains("lacks UPDATE on table app.notes", "GRANT UPDATE ON app.notes TO purger;"));
    }

    @Test
    void sequenceRollbackMovesNeedsUpdateAndUsage() {
        TableAccess seq = new TableAccess("purger", "app.tenants", false, false, false, "owner", List.of(),
                Optional.of(List.of()), List.of(), List.of(), List.of(), List.of(
                new SequenceGrant("id", "app.tenants_id_seq", List.of("UPDATE", "USAGE or SELECT")),
                new SequenceGrant("note", "app.note_seq", List.of("UPDATE"))));
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().column("note").access(seq)
                .build();
        // note is neither an identity nor a key column: rollback does not move its sequence
        assertThat(of(plan(catalog, "tenants"), Kind.PRIVILEGE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.subject()).isEqualTo("app.tenants_id_seq");
            assertThat(f.message()).contains("lacks UPDATE and USAGE (or SELECT) on sequence app.tenants_id_seq of"
                    + " app.tenants.id", "GRANT USAGE, UPDATE ON SEQUENCE app.tenants_id_seq TO purger;");
        });
    }
}
