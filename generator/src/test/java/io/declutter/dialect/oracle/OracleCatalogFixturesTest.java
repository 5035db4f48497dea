package io.declutter.dialect.oracle;

import io.declutter.dialect.CatalogQuery;
import io.declutter.model.Catalog;
import io.declutter.model.Column;
import io.declutter.model.ForeignKey;
import io.declutter.model.Identity;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.Table;
import io.declutter.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Introspection against recorded catalog rows: the fixtures are what the ALL_* queries return (same column
 * aliases as PostgreSQL's queries), fed through the unchanged CatalogReader into the same model.
 */
class OracleCatalogFixturesTest {

    private final OracleDialect dialect = OracleDialect.latest();

    private Catalog catalog(String name) {
        return io.declutter.introspect.RecordedCatalog.read(OracleScenarios.catalogDir(name), dialect);
    }

    @Test
    void theDemoCatalogReadsIntoTheModel() {
        Catalog c = catalog("demo");
        assertThat(c.tables()).hasSize(19);
        assertThat(c.foreignKeys()).hasSize(25);
        Table tenants = c.table(new TableName("APP", "TENANTS")).orElseThrow();
        assertThat(tenants.primaryKey().orElseThrow().columns()).containsExactly("ID");
        assertThat(tenants.column("ID").orElseThrow().identity()).isEqualTo(Identity.BY_DEFAULT);
        assertThat(tenants.rowEstimate()).isEqualTo(40);
        Table audit = c.table(new TableName("APP", "AUDIT_EVENTS")).orElseThrow();
        assertThat(audit.column("ID").orElseThrow().identity()).isEqualTo(Identity.ALWAYS);
        assertThat(audit.column("PAYLOAD").orElseThrow().type()).isEqualTo("CLOB");
        Column amount = c.table(new TableName("APP", "INVOICE_LINES")).orElseThrow().column("AMOUNT").orElseThrow();
        assertThat(amount.generated()).isTrue();
        ForeignKey comments = c.foreignKeys().stream().filter(f -> f.name().equals("FK_COMMENTS_DOCUMENT_VERSIONS"))
                .findFirst().orElseThrow();
        assertThat(comments.childColumns()).containsExactly("DOCUMENT_ID", "VERSION_NO");
        assertThat(comments.parentColumns()).containsExactly("DOCUMENT_ID", "VERSION_NO");
        assertThat(c.foreignKeys()).filteredOn(f -> f.onDelete() == OnDelete.CASCADE).extracting(ForeignKey::name)
                .containsExactly("FK_INVOICE_LINES_INVOICES");
    }

    /**
     * A DISABLED key is read (foreign_keys.sql no longer leaves it out) with its enforcement, so its orphans can be a
     * root, as a PostgreSQL key with its triggers disabled (docs/oracle.md#orphan-and-duplicate-roots); the query reads
     * every status and says which.
     */
    @Test
    void aDisabledForeignKeyIsReadAndMayHaveOrphans() {
        Catalog c = catalog("demo_disabled");
        ForeignKey disabled = c.foreignKeys().stream().filter(f -> f.name().equals("FK_AUDIT_EVENTS_USERS"))
                .findFirst().orElseThrow();
        assertThat(disabled.enforcement()).isEqualTo(ForeignKey.Enforcement.DISABLED);
        assertThat(disabled.mayHaveOrphans()).isTrue();
        assertThat(c.foreignKeys()).filteredOn(f -> !f.name().equals("FK_AUDIT_EVENTS_USERS"))
                .allMatch(f -> f.enforcement() == ForeignKey.Enforcement.ENFORCED);
        String sql = io.declutter.dialect.Resources.text(OracleDialect.class,
                "/io/declutter/dialect/oracle/foreign_keys.sql");
        assertThat(sql).contains("WHEN fk.status = 'DISABLED' THEN 'DISABLED'")
                .contains("WHEN fk.validated = 'NOT VALIDATED' THEN 'NOT_VALID'").doesNotContain("fk.status = 'ENABLED'");
    }

    @Test
    void theHardCatalogKeepsOracleSpecifics() {
        Catalog c = catalog("hard");
        Table orders = c.table(new TableName("HARD", "ORDERS")).orElseThrow();
        assertThat(orders.partitioned()).isTrue();
        assertThat(orders.column("DOC").orElseThrow().type()).isEqualTo("NCLOB");
        assertThat(c.table(new TableName("HARD", "order notes"))).isPresent();
        assertThat(c.table(new TableName("HARD", "Überweisungen")).orElseThrow().column("Verwendungszweck")
                .orElseThrow().type()).isEqualTo("NVARCHAR2(140)");
        assertThat(c.table(new TableName("HARD", OracleScenarios.LONG_TABLE))).isPresent();
        ForeignKey manager = c.foreignKeys().stream().filter(f -> f.name().equals("DEPARTMENTS_MANAGER_FK")).findFirst()
                .orElseThrow();
        assertThat(manager.deferrable()).isTrue();
        assertThat(manager.initiallyDeferred()).isTrue();
        assertThat(c.foreignKeys()).filteredOn(f -> f.onDelete() == OnDelete.SET_NULL).extracting(ForeignKey::name)
                .containsExactly("AUDIT_NOTES_ACCOUNTS_FK");
        // recorded before timing and events were read: a DELETE trigger, which rollback (Oracle) fires if it can
        assertThat(c.table(new TableName("HARD", "ACCOUNTS")).orElseThrow().deleteTriggers())
                .containsExactly("ACCOUNTS_AUDIT_TRG");
        assertThat(c.table(new TableName("HARD", "ACCOUNTS")).orElseThrow().triggers()).singleElement()
                .satisfies(t -> assertThat(t.firesOnRollback()).isTrue());
        Table tags = c.table(new TableName("HARD", "TAGS")).orElseThrow();
        assertThat(tags.primaryKey()).isEmpty();
        assertThat(tags.keys()).singleElement().satisfies(k -> assertThat(k.columns()).containsExactly("ACCOUNT_ID", "LABEL"));
    }

    @Test
    void theHardSchemaPlansWithItsCycleBrokenThroughTheNullableForeignKeyAndItsTreeChildrenFirst() {
        OracleScenarios.Scenario hard = OracleScenarios.all().stream().filter(s -> s.name().equals("hard 19c"))
                .findFirst().orElseThrow();
        PurgePlan plan = hard.plan();
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.edges()).filteredOn(e -> e.breaksCycle())
                .extracting(e -> e.foreignKey().orElseThrow().name())
                .containsExactlyInAnyOrder("EMPLOYEES_DEPT_FK", "EMPLOYEES_MENTOR_FK");
        assertThat(plan.nullified()).extracting(n -> n.foreignKey().name()).containsExactly("AUDIT_NOTES_ACCOUNTS_FK");
        // FOLDERS_PARENT_FK is NOT NULL: a tree deleted children first, nothing detached
        assertThat(plan.tables()).filteredOn(t -> t.childrenFirst()).extracting(t -> t.name().name())
                .containsExactly("FOLDERS");
    }

    @Test
    void namesWrittenInLowerCaseResolveAsOracleResolvesUnquotedNames() {
        Catalog c = catalog("hard");
        assertThat(OracleNames.resolve(new TableName("hard", "accounts"), c)).isEqualTo(new TableName("HARD", "ACCOUNTS"));
        assertThat(OracleNames.resolve(new TableName("hard", "order notes"), c))
                .isEqualTo(new TableName("HARD", "order notes"));
        assertThat(OracleNames.resolve(new TableName("hard", "nope"), c)).isEqualTo(new TableName("hard", "nope"));
    }

    /** Every alias CatalogReader reads is selected by the Oracle query, as by the PostgreSQL one. */
    @Test
    void theOracleQueriesReturnThePostgresAliases() {
        io.declutter.dialect.Dialect postgres = io.declutter.dialect.Dialects.forName("postgres");
        Pattern alias = Pattern.compile("\\bAS\\s+([a-z_]+)\\b");
        for (CatalogQuery q : CatalogQuery.values()) {
            List<String> expected = aliases(alias, postgres.catalogSql(q));
            String oracle = dialect.catalogSql(q);
            for (String a : expected) {
                assertThat(oracle).as("%s selects %s", q, a).containsPattern("(?i)\\b" + a + "\\b");
            }
        }
    }

    private static List<String> aliases(Pattern p, String sql) {
        Matcher m = p.matcher(sql);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            if (!List.of("k", "s").contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void aBrokenRecordingIsACleanError() {
        assertThatThrownBy(() -> io.declutter.introspect.RecordedCatalog.read(java.nio.file.Path.of("no-such-dir"), dialect))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tables.tsv");
    }
}
