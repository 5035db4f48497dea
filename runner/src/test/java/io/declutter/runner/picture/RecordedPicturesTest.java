package io.declutter.runner.picture;

import io.declutter.config.JobFileReader;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.model.Catalog;
import io.declutter.model.Edge;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.plan.ClosureGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pictures of the golden-file scenarios' plans, from their recorded catalogs (no database; Oracle's too, whose
 * names the plan spells in upper case): every table of the plan is a node and every control row an edge of the DOT
 * file and of the page's data, and drawing the same plan twice gives the same bytes (docs/plan-picture.md).
 */
class RecordedPicturesTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "postgres, generator/src/test/resources/catalogs/postgres/demo, sql/demo/postgres/tenant_purge.yaml",
        "postgres, generator/src/test/resources/catalogs/postgres/hard, generator/src/test/resources/jobs/postgres/hard_purge.yaml",
        "oracle, sql/demo/oracle/catalog, sql/demo/oracle/tenant_purge.yaml",
        "oracle, generator/src/test/resources/catalogs/oracle/hard, generator/src/test/resources/jobs/oracle/hard_purge.yaml"})
    void everyTableAndEdgeIsDrawnTheSameEveryTime(String dialectName, String catalogDir, String jobFile) {
        Dialect dialect = Dialects.forName(dialectName);
        Catalog catalog = RecordedCatalog.read(root().resolve(catalogDir), dialect);
        PurgePlan plan = dialect.plan(catalog, JobFileReader.read(root().resolve(jobFile)).job());
        ClosureGraph graph = ClosureGraph.of(plan, catalog);
        String dot = ClosureDot.dot(graph);
        String json = ClosurePage.json(graph);
        for (PurgeTable t : plan.tables()) {
            assertThat(dot).contains("\n  " + ClosureDot.id(t.name().display()) + " [label=");
            assertThat(json).contains("{\"id\":" + jsonString(t.name().display()) + ",");
        }
        for (Edge e : plan.edges()) {
            if (!e.root()) {
                assertThat(dot).contains(" [id=\"e" + e.id() + "\", label=");
                assertThat(json).contains("{\"id\":\"e" + e.id() + "\",\"edge\":" + e.id() + ",");
            }
        }
        assertThat(ClosureDot.dot(ClosureGraph.of(plan, catalog))).isEqualTo(dot);
        assertThat(ClosurePage.html(ClosureGraph.of(plan, catalog))).isEqualTo(ClosurePage.html(graph));
    }

    private static String jsonString(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s).replace("<", "\\u003c");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return java.util.Objects.requireNonNull(dir, "the repository root (with mvnw) above the working directory");
    }
}
