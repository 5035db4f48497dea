package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.DeleteTrigger;
import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.Trigger;
import io.declutter.model.TriggerWrites;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.declutter.plan.TestJobs.plan;
import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** DELETE triggers on purged tables that write outside the closure, and the job's 'triggers' choice. */
class PlanBuilderTriggersTest {

    /** users has an outbox trigger (writes deleted_records, outside), a cleanup trigger (writes notes, purged). */
    private static Catalog catalog() {
        return new CatalogBuilder()
                .table("tenants").id()
                .table("users").id().references("tenants", "tenant_id")
                .triggerWriting("users_outbox", "deleted_records").triggerWriting("users_cleanup", "notes")
                .table("notes").id().references("users", "user_id")
                .table("deleted_records").id()
                .table("orders").id().references("tenants", "tenant_id")
                .trigger(new Trigger("orders_ext", "AFTER", List.of("DELETE"), "ROW", true, false,
                        TriggerWrites.unknown("its function is written in plpython3u, whose body declutter does not read")))
                .build();
    }

    private static Job disabling(String... names) {
        Job j = TestJobs.job("tenants");
        return new Job(j.name(), j.root(), j.rootPredicate(), j.batchSize(), j.backup(), j.excludedTables(),
                j.lockTimeout(), j.statementTimeout(), List.of(), List.of(names));
    }

    @Test
    void aKeptTriggerWritingOutsideTheClosureIsAWarningWithTheChoices() {
        var plan = plan(catalog(), "tenants");

        assertThat(plan.deleteTriggers()).extracting(DeleteTrigger::display, d -> d.outside(), DeleteTrigger::watched)
                .containsExactlyInAnyOrder(
                        tuple("app.users.users_cleanup", List.of(), false),
                        tuple("app.users.users_outbox", List.of(t("deleted_records")), true),
                        tuple("app.orders.orders_ext", List.of(), true));
        assertThat(plan.findings()).filteredOn(f -> f.kind() == Kind.TRIGGER_WRITES)
                .extracting(Finding::severity, Finding::subject)
                .containsExactly(tuple(Severity.WARNING, "app.orders.orders_ext"),
                        tuple(Severity.WARNING, "app.users.users_outbox"));
        assertThat(plan.findings()).filteredOn(f -> f.subject().equals("app.users.users_outbox")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("writes app.deleted_records (outside the closure)",
                        "triggers: {disable: [users_outbox]}", "SHARE ROW EXCLUSIVE", "verify and rollback report"));
        assertThat(plan.findings()).filteredOn(f -> f.subject().equals("app.orders.orders_ext")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("may write any table: its function is written in"
                        + " plpython3u"));
        // the cleanup trigger writes only purged tables: the general trigger warning, nothing more
        assertThat(plan.findings()).filteredOn(f -> f.kind() == Kind.TRIGGER).singleElement()
                .satisfies(f -> assertThat(f.message()).contains(": users_cleanup."));
    }

    @Test
    void aDisabledTriggerIsInformationAboutTheLockAndIsNotWatched() {
        var plan = TestJobs.plan(catalog(), disabling("users_outbox", "app.orders.orders_ext"));

        assertThat(plan.deleteTriggers()).filteredOn(DeleteTrigger::disabled).extracting(DeleteTrigger::display)
                .containsExactlyInAnyOrder("app.users.users_outbox", "app.orders.orders_ext");
        assertThat(plan.deleteTriggers()).noneMatch(DeleteTrigger::watched);
        assertThat(plan.findings()).noneMatch(f -> f.kind() == Kind.TRIGGER_WRITES);
        assertThat(plan.findings()).filteredOn(f -> f.subject().equals("app.users.users_outbox")).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.INFO);
                    assertThat(f.message()).contains("DISABLE TRIGGER users_outbox", "SHARE ROW EXCLUSIVE", "own");
                });
    }

    @Test
    void anUnknownTriggerNameIsAClearError() {
        assertThatThrownBy(() -> TestJobs.plan(catalog(), disabling("users_outbox", "user_outbox")))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'triggers.disable' names user_outbox, which is not a trigger on a table this"
                        + " job purges")
                .hasMessageContaining("app.orders.orders_ext, app.users.users_cleanup, app.users.users_outbox");
    }

    @Test
    void aNameOfTriggersOnSeveralTablesMustBeQualified() {
        Catalog catalog = new CatalogBuilder()
                .table("tenants").id().triggerWriting("audit", "log")
                .table("users").id().references("tenants", "tenant_id").triggerWriting("audit", "log")
                .table("log").id()
                .build();
        assertThatThrownBy(() -> TestJobs.plan(catalog, new Job("purge", t("tenants"), Optional.of("closed"), 10,
                true, List.of(), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), List.of(),
                List.of("audit")))).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("a trigger of several purged tables (app.tenants.audit, app.users.audit)");
        var plan = TestJobs.plan(catalog, new Job("purge", t("tenants"), Optional.of("closed"), 10, true, List.of(),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), List.of(), List.of("app.users.audit")));
        assertThat(plan.deleteTriggers()).extracting(DeleteTrigger::display, DeleteTrigger::disabled)
                .containsExactlyInAnyOrder(tuple("app.users.audit", true), tuple("app.tenants.audit", false));
    }
}
