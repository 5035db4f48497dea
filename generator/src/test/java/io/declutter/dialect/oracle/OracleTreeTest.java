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
 * Trees through a NOT NULL self-reference on Oracle, deleted children first as on PostgreSQL. {@code a <- t} with
 * {@code t.parent_id} NOT NULL referencing {@code t} (a root points at itself), {@code t <- f} (ON DELETE CASCADE),
 * and {@code a <- n}, a tree through a composite self-reference {@code (tree_id, parent_node_id) -> (tree_id,
 * node_id)} whose second column is nullable (still a tree: one NOT NULL column). Once cached, the backup rows of a
 * tree are numbered deepest first (a hierarchical query for the depth, ROW_NUMBER for the numbers); delete batches
 * lock and delete in that order (a FORALL runs once per row, in index order); late rows of the tree are caught up to
 * a fixed point and deleted, deepest first, before their parents.
 */
class OracleTreeTest {

    private static String body() {
        Catalog catalog = new CatalogBuilder()
                .table("a").id()
                .table("t").id().references("a", "a_id").column("parent_id").references("t", "parent_id")
                .table("f").id().references("t", "t_id").onDelete(OnDelete.CASCADE)
                .table("n").primaryKey("tree_id", "node_id").references("a", "a_id").nullableColumn("parent_node_id")
                .references("n", "tree_id", "parent_node_id").named("n_parent_fk")
                .build();
        OracleDialect dialect = OracleDialect.latest();
        Job job = new Job("trees", new TableName("app", "a"), Optional.of("1 = 1"), 1000, true, List.of(),
                Duration.ofSeconds(5), Duration.ofMinutes(10));
        PurgePlan plan = new PlanBuilder(catalog, job, dialect.naming()).build();
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.table(new TableName("app", "t")).orElseThrow().childrenFirst()).isTrue();
        assertThat(plan.table(new TableName("app", "n")).orElseThrow().childrenFirst()).isTrue();
        List<GeneratedFile> files = new OracleGenerator(dialect).generate(plan);
        return files.stream().filter(f -> f.path().equals("trees/package_body.sql")).findFirst().orElseThrow().content();
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as("%s in the package body", from).isNotNegative();
        return text.substring(start, text.indexOf(to, start));
    }

    @Test
    void onceCachedTheTreeIsNumberedDeepestFirst() {
        String unit = between(body(), "-- Cycle group", "p_phase := 'cache';");
        String renumber = "MERGE INTO DECLUTTER.\"BK_TREES_t\" o";
        assertThat(unit).contains("LOOP", "EXIT WHEN v_round = 0;", renumber);
        assertThat(unit.indexOf("END LOOP;")).isLessThan(unit.indexOf(renumber));
        assertThat(unit.indexOf(renumber)).isLessThan(unit.indexOf("SET status = 'cached'"));
        String merge = unit.substring(unit.indexOf(renumber));
        assertThat(merge).contains(
                "ROW_NUMBER() OVER (ORDER BY NVL(d.depth, 0) DESC, r.declutter_seq) AS renumbered",
                "MAX(LEVEL) - 1 AS depth",
                "START WITH b.declutter_run = p_run",
                "AND p.declutter_seq <> b.declutter_seq",
                "AND ((b.\"parent_id\" = p.\"id\"))",
                "CONNECT BY NOCYCLE b.declutter_run = PRIOR b.declutter_run",
                "AND b.declutter_seq <> PRIOR b.declutter_seq",
                "AND ((b.\"parent_id\" = PRIOR b.\"id\"))",
                "ON (o.ROWID = n.rid)",
                "WHEN MATCHED THEN UPDATE SET o.declutter_seq = n.renumbered;");
    }

    @Test
    void aCompositeSelfReferenceConnectsOnEveryColumn() {
        assertThat(body()).contains(
                "AND ((b.\"tree_id\" = PRIOR b.\"tree_id\" AND b.\"parent_node_id\" = PRIOR b.\"node_id\"))");
    }

    @Test
    void aBatchTakesChildrenBeforeParentsAndLateRowsOfTheTreeFirst() {
        String unit = between(body(), "-- app.t (height", "NOTE_DELETE");
        // the batch: locked in sequence order (deepest first), and deleted in that order
        assertThat(unit).contains("SELECT MAX(b.declutter_seq) INTO v_mark FROM DECLUTTER.\"BK_TREES_t\" b",
                "SELECT t.ROWID BULK COLLECT INTO v_batch\n",
                "ORDER BY b.declutter_seq\n                       FOR UPDATE OF t.\"id\" WAIT 5;");
        // late children of the batch, and theirs, caught up to a fixed point
        String selfCatchUp = between(unit, "LOOP -- late rows of the tree", "END LOOP;");
        assertThat(selfCatchUp).contains(
                "(p.declutter_seq > v_wm AND p.declutter_seq <= v_upper OR p.declutter_seq > v_mark)",
                "p.\"id\" = c.\"parent_id\"", "EXIT WHEN v_rows = 0;");
        // ... and the children of those in other tables too
        assertThat(between(unit, "INSERT INTO DECLUTTER.\"BK_TREES_f\"", "v_rows := SQL%ROWCOUNT;"))
                .contains("OR p.declutter_seq > v_mark");
        // late rows deleted deepest first, before the batch
        String late = "WHERE b.declutter_run = p_run AND b.declutter_seq > v_mark";
        assertThat(unit).contains(late);
        assertThat(between(unit, late, "FOR UPDATE")).contains("ORDER BY b.declutter_seq DESC");
        assertThat(unit.indexOf(late)).isLessThan(unit.indexOf("DELETE FROM \"app\".\"t\" WHERE ROWID = v_batch(i);"));
        // the late-row check after the CASCADE to f covers the late rows of the tree too
        assertThat(between(unit, "DELETE FROM \"app\".\"t\" WHERE ROWID = v_batch(i);", "END IF;\n                END IF;"))
                .contains("FROM \"app\".\"f\" AS OF SCN v_scn c", "OR p.declutter_seq > v_mark");
        // nothing is detached: the self-reference is NOT NULL
        assertThat(unit).doesNotContain("SET \"parent_id\" = NULL");
    }

    @Test
    void lateRowsOfAFinishedTreeAreDeletedDeepestFirst() {
        String unit = between(body(), "-- app.a (height", "NOTE_DELETE");
        String delete = "DELETE FROM \"app\".\"t\" WHERE ROWID = v_rowids(i);";
        assertThat(unit).contains(delete);
        String lock = unit.substring(unit.lastIndexOf("SELECT t.ROWID BULK COLLECT INTO v_rowids", unit.indexOf(delete)),
                unit.indexOf(delete));
        assertThat(lock).contains("FROM \"app\".\"t\" t, DECLUTTER.\"BK_TREES_t\" b", "k.watermark",
                "ORDER BY b.declutter_seq DESC");
        // caught up to a fixed point: the tree's own edge repeats until a round finds nothing
        assertThat(unit).contains("EXIT WHEN v_round = 0;");
    }

    @Test
    void theGeneratedPackageParses() throws Exception {
        try (PlsqlParser parser = new PlsqlParser()) {
            assertThat(parser.errors("package_body.sql", body())).isEmpty();
        }
    }
}
