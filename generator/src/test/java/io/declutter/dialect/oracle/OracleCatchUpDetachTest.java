package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.TableName;
import io.declutter.plan.CatalogBuilder;
import io.declutter.plan.PlanBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detach before the catch-up deletes of the Oracle package, as on PostgreSQL. {@code a <- t} with {@code t.parent_id}
 * a nullable self-reference, and the cycle {@code a <- p <- q}, {@code q <- p.q_id} (nullable, so the cycle is broken
 * there). {@code t}, {@code p} and {@code q} are deleted before {@code a}: before a batch of {@code a}, rows inserted
 * since the cache under it are caught up and deleted first. A late subtree of {@code t} (a late row with late
 * children), or a purged {@code p} row pointing at a late {@code q} row, would make that delete fail with ORA-02292
 * on every attempt (the batch retried forever) unless the referencing rows are detached first. On Oracle the delete
 * runs once per row (FORALL), so the self-reference is detached too, the caught-up rows themselves included.
 */
class OracleCatchUpDetachTest {

    private static String body() {
        Catalog catalog = new CatalogBuilder()
                .table("a").id()
                .table("t").id().references("a", "a_id").nullableColumn("parent_id").references("t", "parent_id")
                .table("p").id().references("a", "a_id").nullableColumn("q_id").references("q", "q_id")
                .table("q").id().references("p", "p_id")
                .build();
        OracleDialect dialect = OracleDialect.latest();
        Job job = new Job("detach", new TableName("app", "a"), Optional.of("1 = 1"), 1000, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(10));
        PurgePlan plan = new PlanBuilder(catalog, job, dialect.naming()).build();
        assertThat(plan.errors()).isEmpty();
        List<GeneratedFile> files = new OracleGenerator(dialect).generate(plan);
        return files.stream().filter(f -> f.path().equals("detach/package_body.sql")).findFirst().orElseThrow().content();
    }

    /** The delete unit of {@code a}'s batches: from its heading to its NOTE_DELETE. */
    private static String batchOfA(String body) {
        int start = body.indexOf("-- app.a (height");
        assertThat(start).isPositive();
        return body.substring(start, body.indexOf("NOTE_DELETE", start));
    }

    @Test
    void lateRowsOfANullableTreeAreDetachedBeforeTheirCatchUpDelete() {
        String unit = batchOfA(body());
        String detach = "UPDATE \"app\".\"t\" SET \"parent_id\" = NULL WHERE ROWID = v_rowids(i);";
        String delete = "DELETE FROM \"app\".\"t\" WHERE ROWID = v_rowids(i);";
        assertThat(unit).contains(detach, delete, "v_action := 'catch-up detach';");
        assertThat(unit.indexOf(detach)).isLessThan(unit.indexOf(delete));
        // what is detached: purged rows of t (in its backup) pointing at rows of t caught up past its watermark
        String lock = unit.substring(unit.lastIndexOf("SELECT c.ROWID", unit.indexOf(detach)), unit.indexOf(detach));
        assertThat(lock).contains("FROM \"app\".\"t\" c", "c.\"parent_id\" = b.\"id\"", "k.\"id\" = c.\"id\"",
                "FOR UPDATE WAIT 5").containsPattern("k\\.edge_id = \\d+\\)");
    }

    @Test
    void rowsPointingAtLateRowsThroughACycleBreakingForeignKeyAreDetachedBeforeTheirCatchUpDelete() {
        String unit = batchOfA(body());
        String detach = "UPDATE \"app\".\"p\" SET \"q_id\" = NULL WHERE ROWID = v_rowids(i);";
        String delete = "DELETE FROM \"app\".\"q\" WHERE ROWID = v_rowids(i);";
        assertThat(unit).contains(detach, delete);
        assertThat(unit.indexOf(detach)).isLessThan(unit.indexOf(delete));
    }

    @Test
    void aBatchOfANullableTreeDetachesItsOwnRowsToo() {
        String body = body();
        int start = body.indexOf("-- app.t (height");
        String unit = body.substring(start, body.indexOf("NOTE_DELETE", start));
        String detach = "UPDATE \"app\".\"t\" SET \"parent_id\" = NULL WHERE ROWID = v_rowids(i);";
        assertThat(unit).contains(detach);
        String lock = unit.substring(unit.lastIndexOf("SELECT c.ROWID", unit.indexOf(detach)), unit.indexOf(detach));
        // every purged row pointing into the batch, batch rows included (no "k.declutter_seq > v_upper")
        assertThat(lock).contains("b.declutter_seq > v_wm AND b.declutter_seq <= v_upper").doesNotContain("k.declutter_seq");
        assertThat(unit.indexOf(detach)).isLessThan(unit.indexOf("DELETE FROM \"app\".\"t\" WHERE ROWID = v_batch(i);"));
    }

    @Test
    void theGeneratedPackageParses() throws Exception {
        try (PlsqlParser parser = new PlsqlParser()) {
            assertThat(parser.errors("package_body.sql", body())).isEmpty();
        }
    }
}
