package io.declutter.runner.plan;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.oracle.OracleDialect;
import io.declutter.dialect.postgres.PostgresDialect;
import io.declutter.model.Catalog;
import io.declutter.model.Column;
import io.declutter.model.ForeignKey;
import io.declutter.model.Identity;
import io.declutter.model.Job;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.Table;
import io.declutter.model.TableName;
import io.declutter.model.UniqueKey;
import io.declutter.plan.PlanBuilder;
import io.declutter.runner.purge.PlanReport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan --index-ddl}: one statement per unindexed foreign key, told apart by child table and constraint (a
 * constraint name is unique per table only), in the dialect's own online form.
 */
class IndexDdlTest {

    @Test
    void sameConstraintNameOnSeveralTablesGivesOneStatementPerTable() {
        PurgePlan plan = plan("app", "orders", "invoices", "fk_tenant", new PostgresDialect());

        assertThat(PlanReport.indexDdl(plan, new PostgresDialect())).containsExactly(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_tenant_id_idx ON app.invoices (tenant_id);",
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_tenant_id_idx ON app.orders (tenant_id);");
    }

    @Test
    void oraclePrintsOracleOnlineIndexesInTheTablesSchema() {
        OracleDialect oracle = OracleDialect.latest();
        PurgePlan plan = plan("APP", "ORDERS", "INVOICES", "FK_TENANT", oracle);

        List<String> ddl = PlanReport.indexDdl(plan, oracle);

        assertThat(ddl).containsExactly(
                "CREATE INDEX APP.INVOICES_TENANT_ID_IDX ON APP.INVOICES (TENANT_ID) ONLINE;",
                "CREATE INDEX APP.ORDERS_TENANT_ID_IDX ON APP.ORDERS (TENANT_ID) ONLINE;");
        assertThat(String.join("\n", ddl)).doesNotContain("CONCURRENTLY", "IF NOT EXISTS");
    }

    @Test
    void oracleIndexNamesFitTheLimitAndAreStable() {
        String longTable = ("SUBSCRIPTION_EVENTS_OF_ACCOUNTS_" + "X".repeat(200)).substring(0, 128);
        for (OracleDialect oracle : List.of(OracleDialect.latest(), OracleDialect.forVersion("12.1"))) {
            PurgePlan plan = plan("APP", longTable, "INVOICES", "FK_TENANT", oracle);
            List<String> ddl = PlanReport.indexDdl(plan, oracle);
            assertThat(PlanReport.indexDdl(plan("APP", longTable, "INVOICES", "FK_TENANT", oracle), oracle))
                    .as("same plan, same statements").isEqualTo(ddl);
            Matcher m = Pattern.compile("CREATE INDEX APP\\.([A-Z][A-Z0-9_$#]*) ON APP\\.\\S+ \\(TENANT_ID\\) ONLINE;")
                    .matcher(ddl.get(1));
            assertThat(m.matches()).as(ddl.get(1)).isTrue();
            assertThat(m.group(1).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(
                    oracle.maxIdentifierBytes());
        }
    }

    @Test
    void mixedCaseOracleNamesAreQuoted() {
        OracleDialect oracle = OracleDialect.latest();
        PurgePlan plan = plan("app", "Orders", "Invoices", "fk", oracle);

        assertThat(PlanReport.indexDdl(plan, oracle)).contains(
                "CREATE INDEX \"app\".\"Orders_TENANT_ID_idx\" ON \"app\".\"Orders\" (TENANT_ID) ONLINE;");
    }

    /** tenants, and two tables referencing it through unindexed keys of the same constraint name. */
    private static PurgePlan plan(String schema, String first, String second, String constraint, Dialect dialect) {
        TableName tenants = new TableName(schema, dialect instanceof OracleDialect ? "TENANTS" : "tenants");
        String id = dialect instanceof OracleDialect ? "ID" : "id";
        String tenantId = dialect instanceof OracleDialect ? "TENANT_ID" : "tenant_id";
        List<Table> tables = List.of(table(tenants, id), table(new TableName(schema, first), id, tenantId),
                table(new TableName(schema, second), id, tenantId));
        List<ForeignKey> fks = List.of(
                new ForeignKey(constraint, new TableName(schema, first), List.of(tenantId), tenants, List.of(id),
                        OnDelete.NO_ACTION, false, false),
                new ForeignKey(constraint, new TableName(schema, second), List.of(tenantId), tenants, List.of(id),
                        OnDelete.NO_ACTION, false, false));
        Job job = new Job("purge", tenants, Optional.of("1 = 1"), 100, true, List.of(), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        return new PlanBuilder(new Catalog(tables, fks), job, dialect.maxIdentifierBytes()).build();
    }

    private static Table table(TableName name, String... columns) {
        List<Column> cols = new java.util.ArrayList<>();
        for (String c : columns) {
            cols.add(new Column(c, cols.size() + 1, "bigint", false, Identity.NONE, false));
        }
        return new Table(name, cols, List.of(new UniqueKey(name.name() + "_pk", List.of(columns[0]), true)),
                List.of(List.of(columns[0])), List.of(), false, 0);
    }
}
