package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.Resources;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.LogicalReference;
import io.declutter.model.RootRows;
import io.declutter.model.PurgePlan;
import io.declutter.model.TableName;
import io.declutter.plan.PlanBuilder;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The Oracle schemas and jobs the tests generate: the demo and the hard schemas, from recorded catalogs. */
final class OracleScenarios {

    private OracleScenarios() {
    }

    /** A job and the catalog it is generated from, for one target version. */
    record Scenario(String name, String catalog, Job job, OracleDialect dialect) {

        Catalog readCatalog() {
            return RecordedCatalog.read(catalogDir(catalog), dialect);
        }

        PurgePlan plan() {
            Catalog c = readCatalog();
            return new PlanBuilder(c, job, dialect.naming()).build();
        }

        List<GeneratedFile> generate() {
            List<GeneratedFile> files = new java.util.ArrayList<>(new OracleGenerator(dialect).generate(plan()));
            files.add(new OracleGenerator(dialect).roles(plan(), io.declutter.model.DatabaseRoles.DEFAULT));
            return files;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The hard schema's table whose name is at Oracle's 128-byte limit (12.2 and later). */
    static final String LONG_TABLE = ("SUBSCRIPTION_EVENTS_OF_ACCOUNTS_WITH_A_NAME_AT_THE_128_BYTE_LIMIT_" + "X".repeat(200))
            .substring(0, 128);

    static Path catalogDir(String name) {
        String resource = name.equals("demo") ? "/sql/demo/oracle/catalog/tables.tsv"
                : "/catalogs/oracle/" + name + "/tables.tsv";
        try {
            return Path.of(OracleScenarios.class.getResource(resource).toURI()).getParent();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("recorded catalog " + name + " is missing (" + resource + ")", e);
        }
    }

    static Job job(String name, String root, String predicate, boolean backup, List<String> excluded) {
        return new Job(name, table(root), Optional.ofNullable(predicate), 1000, backup,
                excluded.stream().map(OracleScenarios::table).toList(), Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    static TableName table(String qualified) {
        int dot = qualified.indexOf('.');
        return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /** The demo's job as sql/demo/oracle/tenant_purge.yaml gives it (names written in lower case, as a DBA would). */
    static Job demoJob() {
        return job("tenant_purge", "app.tenants",
                "status = 'closed' AND closed_at < SYSTIMESTAMP - INTERVAL '90' DAY", true, List.of());
    }

    /**
     * The demo's job with two references the database would not enforce (docs/design.md#logical-references), named in
     * lower case as a DBA writes them: audit events by their user, followed; payments by their invoice, ignored.
     */
    static Job logicalReferencesJob() {
        Job demo = demoJob();
        return new Job("tenant_logical", demo.root(), demo.rootPredicate(), demo.batchSize(), true, List.of(),
                demo.lockTimeout(), demo.statementTimeout(), List.of(), List.of(), List.of(
                        new LogicalReference("ref_audit_user", table("app.audit_events"), List.of("user_id"),
                                table("app.users"), List.of(), LogicalReference.Action.DELETE),
                        new LogicalReference("ref_payment_invoice", table("app.payments"), List.of("invoice_id"),
                                table("app.invoices"), List.of("id"), LogicalReference.Action.IGNORE)));
    }

    /** Audit events whose user no longer exists, through a logical reference (docs/design.md#orphan-roots). */
    static Job orphansJob() {
        Job demo = demoJob();
        return new Job("audit_orphans", table("app.audit_events"), new RootRows.OrphansOf("ref_audit_user"),
                demo.batchSize(), true, List.of(), demo.lockTimeout(), demo.statementTimeout(), List.of(), List.of(),
                List.of(new LogicalReference("ref_audit_user", table("app.audit_events"), List.of("user_id"),
                        table("app.users"), List.of(), LogicalReference.Action.DELETE)));
    }

    /** Users with the same e-mail address in a tenant, the newest kept (docs/design.md#duplicate-roots). */
    static Job duplicatesJob() {
        Job demo = demoJob();
        return new Job("user_dups", table("app.users"), new RootRows.DuplicatesOf(List.of("tenant_id", "LOWER(email)"),
                new RootRows.Keep(RootRows.Keep.Order.NEWEST, Optional.of("created_at"))), demo.batchSize(), true,
                List.of(), demo.lockTimeout(), demo.statementTimeout(), List.of(), List.of(), List.of());
    }

    /**
     * Invoices numbered alike within a tenant, the newest kept, with a logical reference whose rows are set to NULL
     * (docs/design.md#logical-references): audit events by an invoice, as the golden scenario
     * generator/src/test/resources/jobs/oracle/invoice_dups.yaml declares it.
     */
    static Job setNullReferenceJob() {
        Job demo = demoJob();
        return new Job("invoice_dups", table("app.invoices"), new RootRows.DuplicatesOf(
                List.of("tenant_id", "LOWER(invoice_no)"),
                new RootRows.Keep(RootRows.Keep.Order.NEWEST, Optional.of("issued_at"))), demo.batchSize(), true,
                List.of(), demo.lockTimeout(), demo.statementTimeout(), List.of(), List.of(), List.of(
                        new LogicalReference("AUDIT_INVOICE", table("app.audit_events"), List.of("user_id"),
                                table("app.invoices"), List.of(), LogicalReference.Action.SET_NULL)));
    }

    static List<Scenario> all() {
        OracleDialect v19 = OracleDialect.latest();
        OracleDialect v121 = OracleDialect.forVersion("12.1");
        return List.of(
                new Scenario("demo 19c", "demo", demoJob(), v19),
                new Scenario("demo 12.1 (30-byte names)", "demo", demoJob(), v121),
                new Scenario("demo, keys at run time, no backup", "demo",
                        job("tenant_keys", "app.tenants", null, false, List.of("app.audit_events")), v19),
                new Scenario("hard 19c", "hard", job("hard_purge", "hard.accounts", "status = 'closed'", true,
                        List.of()), v19),
                new Scenario("hard 12.1 (30-byte names)", "hard", job("hard_purge_with_a_long_job_nam", "hard.accounts",
                        "status = 'closed'", true, List.of("HARD." + LONG_TABLE)), v121),
                new Scenario("hard, composite root keys at run time", "hard",
                        job("order_purge", "HARD.ORDERS", null, true, List.of()), v19),
                new Scenario("demo with logical references", "demo", logicalReferencesJob(), v19),
                new Scenario("demo, orphans of a logical reference", "demo", orphansJob(), v19),
                new Scenario("demo, duplicates kept newest", "demo", duplicatesJob(), v19),
                new Scenario("demo, invoice duplicates, a set-null logical reference", "demo", setNullReferenceJob(),
                        v19),
                new Scenario("demo, orphans of a disabled foreign key", "demo_disabled", new Job("audit_orphans",
                        table("app.audit_events"), new RootRows.OrphansOf("fk_audit_events_users"), 1000, true,
                        List.of(), Duration.ofSeconds(5), Duration.ofMinutes(10), List.of(), List.of(), List.of()),
                        v19),
                new Scenario("demo, duplicates re-pointing their children", "demo", duplicatesJob()
                        .withRows(new RootRows.DuplicatesOf(List.of("LOWER(email)"), new RootRows.Keep(
                                RootRows.Keep.Order.OLDEST, Optional.of("created_at")), true)), v19),
                new Scenario("demo, duplicates re-pointing their children, 12.1", "demo", duplicatesJob()
                        .withRows(new RootRows.DuplicatesOf(List.of("tenant_id", "LOWER(email)"), new RootRows.Keep(
                                RootRows.Keep.Order.LOWEST, Optional.empty()), true)), v121),
                new Scenario("demo, duplicates kept highest, 12.1", "demo", duplicatesJob()
                        .withRows(new RootRows.DuplicatesOf(List.of("LOWER(email)"), new RootRows.Keep(
                                RootRows.Keep.Order.HIGHEST, Optional.empty()))), v121));
    }

    static String text(String resource) {
        return Resources.text(OracleScenarios.class, resource);
    }
}
