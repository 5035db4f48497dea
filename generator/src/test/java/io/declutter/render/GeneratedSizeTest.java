package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.oracle.OracleDialect;
import io.declutter.dialect.postgres.PostgresDialect;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.plan.CatalogBuilder;
import io.declutter.plan.PlanBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated code grows linearly with the number of foreign keys: synthetic catalogs of 10, 100 and 1,000 tables
 * (offline, built in memory) give the same number of generated lines per edge, within 10%.
 */
class GeneratedSizeTest {

    /**
     * A SaaS-like catalog: {@code tenants} and modules of ten tables hanging off it (a chain four deep, a nullable
     * self-reference, a many-to-many table, an ON DELETE SET NULL and an ON DELETE CASCADE key), 16 foreign keys
     * per module.
     */
    static Catalog catalog(int tables) {
        CatalogBuilder b = new CatalogBuilder();
        b.table("tenants").id().column("status");
        for (int m = 0; m < (tables - 1) / 10; m++) {
            String p = "m" + m + "_";
            b.table(p + "users").id().references("tenants", "tenant_id").column("email");
            b.table(p + "projects").id().references("tenants", "tenant_id").references(p + "users", "owner_id")
                    .column("name");
            b.table(p + "tasks").id().references(p + "projects", "project_id").references("tenants", "tenant_id");
            b.table(p + "comments").id().references(p + "tasks", "task_id").nullableColumn("author_id")
                    .references(p + "users", "author_id").onDelete(OnDelete.SET_NULL).column("body");
            b.table(p + "folders").id().references(p + "projects", "project_id").nullableColumn("parent_id")
                    .references(p + "folders", "parent_id");
            b.table(p + "files").id().references(p + "folders", "folder_id").references(p + "users", "uploader_id");
            b.table(p + "tags").id().references("tenants", "tenant_id");
            b.table(p + "file_tags").id().references(p + "files", "file_id").references(p + "tags", "tag_id");
            b.table(p + "events").id().references(p + "tasks", "task_id").onDelete(OnDelete.CASCADE);
            b.table(p + "notes").id().references(p + "users", "user_id");
        }
        return b.build();
    }

    static PurgePlan plan(int tables, Dialect dialect) {
        Job job = new Job("purge", CatalogBuilder.name("tenants"), Optional.of("status = 'closed'"), 1000, true,
                List.of(), Duration.ofSeconds(5), Duration.ofMinutes(10));
        return new PlanBuilder(catalog(tables), job, dialect.maxIdentifierBytes()).build();
    }

    /** Generated lines per foreign key of the plan. */
    static double linesPerEdge(int tables, Dialect dialect) {
        PurgePlan plan = plan(tables, dialect);
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.tables()).hasSize(tables);
        long lines = dialect.generate(plan, io.declutter.model.Window.ALWAYS).stream()
                .filter(f -> !f.path().equals("install.sql")) // the other files again, one after the other
                .mapToLong(f -> f.content().lines().count()).sum();
        return (double) lines / (plan.edges().size() - 1);
    }

    @Test
    void postgresLinesPerEdgeDoNotGrowWithTheSchema() {
        Dialect pg = new PostgresDialect();
        double at10 = linesPerEdge(11, pg);
        double at100 = linesPerEdge(101, pg);
        double at1000 = linesPerEdge(1001, pg);
        System.out.printf("[GeneratedSizeTest] PostgreSQL lines per edge: %.1f (10 tables), %.1f (100), %.1f (1,000)%n",
                at10, at100, at1000);
        assertThat(at100).isLessThanOrEqualTo(1.1 * at10);
        assertThat(at1000).isLessThanOrEqualTo(1.1 * at100);
    }

    @Test
    void oracleLinesPerEdgeDoNotGrowWithTheSchema() {
        Dialect ora = OracleDialect.latest();
        double at10 = linesPerEdge(11, ora);
        double at100 = linesPerEdge(101, ora);
        double at1000 = linesPerEdge(1001, ora);
        System.out.printf("[GeneratedSizeTest] Oracle lines per edge: %.1f (10 tables), %.1f (100), %.1f (1,000)%n",
                at10, at100, at1000);
        assertThat(at100).isLessThanOrEqualTo(1.1 * at10);
        assertThat(at1000).isLessThanOrEqualTo(1.1 * at100);
    }
}
