package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.model.Catalog;
import io.declutter.model.EdgeOverride;
import io.declutter.model.Finding;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.Strategy;
import io.declutter.model.TableName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ON DELETE SET NULL onto a NOT NULL column on Oracle (which accepts such a declaration and then refuses the
 * parent's delete with ORA-01407): the plan refuses it from a recorded catalog, as on PostgreSQL, and the job that
 * follows the edge as a delete generates PL/SQL that PMD parses. Not run on Oracle (no server here).
 */
class OracleRefusedResetTest {

    @TempDir
    Path dir;

    private Catalog catalog() throws IOException {
        write("tables.tsv", """
                schema_name	table_name	partitioned	row_estimate
                APP	ORGS	0	2
                APP	USERS	0	2
                APP	EVENTS	0	2
                """);
        write("columns.tsv", """
                schema_name	table_name	column_name	position	data_type	nullable	identity_kind	generated	default_value
                APP	ORGS	ID	1	NUMBER(19)	0	NONE	0	\\N
                APP	USERS	ID	1	NUMBER(19)	0	NONE	0	\\N
                APP	USERS	ORG_ID	2	NUMBER(19)	0	NONE	0	\\N
                APP	EVENTS	ID	1	NUMBER(19)	0	NONE	0	\\N
                APP	EVENTS	USER_ID	2	NUMBER(19)	0	NONE	0	\\N
                APP	EVENTS	NOTE	3	VARCHAR2(100 CHAR)	1	NONE	0	\\N
                """);
        write("keys.tsv", """
                schema_name	table_name	key_name	is_primary	column_name	position
                APP	ORGS	ORGS_PK	1	ID	1
                APP	USERS	USERS_PK	1	ID	1
                APP	EVENTS	EVENTS_PK	1	ID	1
                """);
        write("indexes.tsv", """
                schema_name	table_name	index_name	column_name	position
                APP	ORGS	ORGS_PK	ID	1
                APP	USERS	USERS_PK	ID	1
                APP	USERS	USERS_ORG_IX	ORG_ID	1
                APP	EVENTS	EVENTS_PK	ID	1
                APP	EVENTS	EVENTS_USER_IX	USER_ID	1
                """);
        write("foreign_keys.tsv", """
                constraint_name	child_schema	child_table	child_column	parent_schema	parent_table	parent_column	position	on_delete	deferrable	initially_deferred	parent_partition_schema	parent_partition	parent_condition	child_partition_schema	child_partition	child_condition	reset_column	reset_checks
                USERS_ORG_FK	APP	USERS	ORG_ID	APP	ORGS	ID	1	NO_ACTION	0	0	\\N	\\N	\\N	\\N	\\N	\\N	1	\\N
                EVENTS_USER_FK	APP	EVENTS	USER_ID	APP	USERS	ID	1	SET_NULL	0	0	\\N	\\N	\\N	\\N	\\N	\\N	1	\\N
                """);
        write("triggers.tsv", "schema_name\ttable_name\ttrigger_name\n");
        return RecordedCatalog.read(dir, OracleDialect.latest());
    }

    private void write(String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text);
    }

    private static Job job(List<EdgeOverride> overrides) {
        return new Job("org_purge", new TableName("app", "orgs"), Optional.of("ID = 1"), 1000, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(10), overrides);
    }

    private static PurgePlan plan(Catalog catalog, Job job) {
        return OracleDialect.latest().plan(catalog, job);
    }

    @Test
    void setNullOntoANotNullColumnIsRefused() throws IOException {
        PurgePlan plan = plan(catalog(), job(List.of()));

        assertThat(plan.errors()).extracting(Finding::kind, Finding::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Finding.Kind.RESET_REFUSED, "EVENTS_USER_FK"));
        assertThat(plan.errors().get(0).message()).contains("APP.EVENTS column USER_ID is NOT NULL");
    }

    @Test
    void followedAsADeleteTheEdgeGeneratesPlsqlThatParses() throws Exception {
        Catalog catalog = catalog();
        PurgePlan plan = plan(catalog, job(List.of(new EdgeOverride(new TableName("app", "events"), "EVENTS_USER_FK",
                Strategy.DELETE))));

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.tables()).extracting(t -> t.name().name()).containsExactly("EVENTS", "USERS", "ORGS");
        List<GeneratedFile> files = new OracleGenerator(OracleDialect.latest()).generate(plan);
        List<String> errors = new ArrayList<>();
        try (PlsqlParser parser = new PlsqlParser()) {
            for (GeneratedFile f : files) {
                if (f.path().endsWith(".sql")) {
                    errors.addAll(parser.errors(f.path(), f.content()));
                }
            }
        }
        assertThat(errors).as("PL/SQL syntax errors").isEmpty();
        assertThat(files.stream().map(GeneratedFile::content).filter(c -> c.contains("BK_ORG_PURGE_EVENTS")).count())
                .isPositive();
    }
}
