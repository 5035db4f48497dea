package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.OnDelete;
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
 * The late-row check of the Oracle package (rows inserted under a batch after its catch-up that an ON DELETE
 * CASCADE or SET NULL delete would take without a backup): where it is generated, what it reads, what it needs
 * granted, and that the package still parses. {@code a <- b (CASCADE) <- c (CASCADE)}, {@code a <- n (SET NULL)},
 * {@code b <- k (NO ACTION)}: deleting a batch of {@code a} deletes caught-up rows of {@code b} first (whose
 * cascade reaches {@code c}), then the batch (whose cascade reaches {@code b}, and whose SET NULL reaches {@code n}).
 */
class OracleLateRowCheckTest {

    private static String file(List<GeneratedFile> files, String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
    }

    private static List<GeneratedFile> generate() {
        Catalog catalog = new CatalogBuilder()
                .table("a").id()
                .table("b").id().references("a", "a_id").onDelete(OnDelete.CASCADE)
                .table("c").id().references("b", "b_id").onDelete(OnDelete.CASCADE)
                .table("n").id().nullableColumn("a_id").references("a", "a_id").onDelete(OnDelete.SET_NULL)
                .table("k").id().references("b", "b_id")
                .build();
        OracleDialect dialect = OracleDialect.latest();
        Job job = new Job("late_rows", new TableName("app", "a"), Optional.of("1 = 1"), 1000, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(10));
        PurgePlan plan = new PlanBuilder(catalog, job, dialect.naming()).build();
        assertThat(plan.errors()).isEmpty();
        return new OracleGenerator(dialect).generate(plan);
    }

    @Test
    void everyDeleteThroughACascadeOrSetNullEdgeIsFollowedByTheCheckOfItsChildren() throws Exception {
        String body = file(generate(), "late_rows/package_body.sql");
        // the batch of a: then b (CASCADE) and n (SET NULL) are read as of the SCN after the delete
        String batchDelete = "DELETE FROM \"app\".\"a\" WHERE ROWID = v_batch(i);";
        assertThat(body).contains(batchDelete);
        String afterBatch = body.substring(body.indexOf(batchDelete), body.indexOf("DECLUTTER.NOTE_DELETE", body.indexOf(batchDelete)));
        assertThat(afterBatch).contains("FROM \"app\".\"b\" AS OF SCN v_scn c", "FROM \"app\".\"n\" AS OF SCN v_scn c",
                "p.declutter_seq > v_wm AND p.declutter_seq <= v_upper").doesNotContain("\"app\".\"k\"", "\"app\".\"c\"");
        // the rows of b caught up for that batch: their delete cascades to c, checked before it is noted
        String catchUpDelete = "DELETE FROM \"app\".\"b\" WHERE ROWID = v_rowids(i);";
        assertThat(body).contains(catchUpDelete);
        int at = body.indexOf(catchUpDelete);
        String afterCatchUp = body.substring(at, body.indexOf("NOTE_CATCHUP", at));
        assertThat(afterCatchUp).contains("FROM \"app\".\"c\" AS OF SCN v_scn c", "k.watermark")
                .doesNotContain("\"app\".\"k\" AS OF");
        // no check where the database changes no child row (NO ACTION: the delete fails instead, and is retried)
        assertThat(body).doesNotContain("FROM \"app\".\"k\" AS OF");
        assertThat(body).contains("e_late_row OR");
        try (PlsqlParser parser = new PlsqlParser()) {
            assertThat(parser.errors("package_body.sql", body)).isEmpty();
        }
    }

    @Test
    void theTablesItReadsAreGrantedForFlashbackAndTheSchemaMayReadTheScn() {
        List<GeneratedFile> files = generate();
        String grants = file(files, "late_rows/grants.sql");
        assertThat(grants).containsPattern("GRANT [A-Z, ]*FLASHBACK[A-Z, ]* ON \"app\".\"b\" TO")
                .containsPattern("GRANT [A-Z, ]*FLASHBACK[A-Z, ]* ON \"app\".\"c\" TO")
                .containsPattern("GRANT [A-Z, ]*FLASHBACK[A-Z, ]* ON \"app\".\"n\" TO")
                .doesNotContainPattern("GRANT [A-Z, ]*FLASHBACK[A-Z, ]* ON \"app\".\"k\" TO")
                .doesNotContainPattern("GRANT [A-Z, ]*FLASHBACK[A-Z, ]* ON \"app\".\"a\" TO");
        assertThat(file(files, "setup_schema.sql")).contains("GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO");
    }
}
