package io.declutter.runner.generate;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.dialect.Resources;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.GeneratedTree;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The proof that the PostgreSQL golden files, generated offline from recorded catalogs (GoldenFilesTest in the
 * generator module), are what a live database gives. For the demo ({@code sql/demo/postgres}) and the hard schema
 * ({@code src/test/resources/postgres/hard_schema.sql}), each loaded into a fresh database:
 * <ol>
 *   <li>the product's own recording ({@link RecordedCatalog#record}) equals, query by query, the committed catalog
 *       under {@code generator/src/test/resources/catalogs/postgres/<scenario>/}, except for {@code row_estimate}
 *       (see {@link #withoutRowEstimates});</li>
 *   <li>the recording read back builds the same catalog model as the live introspection;</li>
 *   <li>{@code declutter generate} on the live database writes exactly the offline golden files under
 *       {@code generator/src/test/resources/golden/postgres/<scenario>/}.</li>
 * </ol>
 * After an intended change of the catalog queries or of a schema, record the catalogs again (then regenerate the
 * golden files, which come from them) and review both with {@code git diff}:
 *
 * <pre>
 * ./mvnw -B -q -pl runner -am test -Dtest=RecordedCatalogsTest -Dsurefire.failIfNoSpecifiedTests=false -Ddeclutter.updateCatalogs=true
 * ./mvnw -B -q -pl generator test -Dtest=GoldenFilesTest -Ddeclutter.updateGolden=true
 * </pre>
 *
 * The recordings are of the server the tests run on (PostgreSQL 15 here): another major version may print
 * expressions and partition bounds differently, and then this test says so.
 */
class RecordedCatalogsTest {

    /** Set to {@code true} to rewrite the recorded catalogs from the live databases instead of comparing. */
    static final String UPDATE_PROPERTY = "declutter.updateCatalogs";

    @TempDir
    Path work;

    @ParameterizedTest(name = "postgres {0}")
    @ValueSource(strings = {"demo", "hard"})
    void recordingIsFaithfulAndLiveGenerationEqualsTheOfflineGoldenFiles(String scenario) throws Exception {
        Dialect postgres = Dialects.forName("postgres");
        Path committed = repositoryRoot().resolve("generator/src/test/resources/catalogs/postgres").resolve(scenario);
        Path golden = repositoryRoot().resolve("generator/src/test/resources/golden/postgres").resolve(scenario);
        try (ScratchDatabase db = load(scenario)) {
            Path recorded = work.resolve("recorded");
            try (Connection c = db.connect()) {
                RecordedCatalog.record(c, postgres, recorded);
                assertThat(RecordedCatalog.read(recorded, postgres)).as("the recording read back")
                        .isEqualTo(postgres.readCatalog(c));
            }

            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                update(recorded, committed);
                return;
            }
            List<String> differences = new ArrayList<>();
            for (CatalogQuery q : CatalogQuery.values()) {
                String file = RecordedCatalog.fileName(q);
                Path expected = committed.resolve(file);
                if (!Files.isRegularFile(expected)) {
                    differences.add(file + ": not committed");
                    continue;
                }
                String e = withoutRowEstimates(Files.readString(expected, StandardCharsets.UTF_8));
                String a = withoutRowEstimates(Files.readString(recorded.resolve(file), StandardCharsets.UTF_8));
                if (!e.equals(a)) {
                    differences.add(file + ": " + GeneratedTree.firstDifference(e, a));
                }
            }
            if (!differences.isEmpty()) {
                fail("the catalog recorded from the live " + scenario + " database differs from " + committed + ":\n  "
                        + String.join("\n  ", differences)
                        + "\nThe recording is in " + recorded + ". If the change is intended (catalog queries or"
                        + " schema changed), record the catalogs again and regenerate the golden files:"
                        + "\n  ./mvnw -B -q -pl runner -am test -Dtest=RecordedCatalogsTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE_PROPERTY + "=true"
                        + "\n  ./mvnw -B -q -pl generator test -Dtest=GoldenFilesTest -Ddeclutter.updateGolden=true");
            }

            Path out = work.resolve("generated");
            Cli.Result r = Cli.run("generate", "-j", jobFile(scenario, db).toString(), "-o", out.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            SortedMap<String, String> diffs = GeneratedTree.differences(GeneratedTree.read(golden), GeneratedTree.read(out));
            assertThat(diffs).as("files generated from the live %s database that differ from the offline golden"
                    + " files in %s (the recorded catalog is equal, so the live path plans or renders differently)",
                    scenario, golden).isEmpty();
        }
    }

    private static ScratchDatabase load(String scenario) throws Exception {
        if (scenario.equals("demo")) {
            return TestDatabase.freshDemo("recorded");
        }
        ScratchDatabase db = TestDatabase.fresh("recorded");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, Resources.text(RecordedCatalogsTest.class, "/postgres/hard_schema.sql"));
        } catch (Exception e) {
            db.close();
            throw e;
        }
        return db;
    }

    private Path jobFile(String scenario, ScratchDatabase db) throws Exception {
        if (scenario.equals("demo")) {
            return JobFiles.demoJob(work, db.url());
        }
        String yaml = Files.readString(repositoryRoot().resolve("generator/src/test/resources/jobs/postgres/hard_purge.yaml"),
                StandardCharsets.UTF_8);
        return JobFiles.write(work, "hard_purge.yaml", yaml, db.url());
    }

    /**
     * Rewrites the committed files that differ from the recording (row estimates aside), so that re-recording an
     * unchanged schema changes nothing.
     */
    private static void update(Path recorded, Path committed) throws Exception {
        Files.createDirectories(committed);
        int rewritten = 0;
        for (CatalogQuery q : CatalogQuery.values()) {
            String file = RecordedCatalog.fileName(q);
            String now = Files.readString(recorded.resolve(file), StandardCharsets.UTF_8);
            Path target = committed.resolve(file);
            if (!Files.isRegularFile(target) || !withoutRowEstimates(Files.readString(target, StandardCharsets.UTF_8))
                    .equals(withoutRowEstimates(now))) {
                Files.writeString(target, now, StandardCharsets.UTF_8);
                rewritten++;
            }
        }
        System.out.println("[RecordedCatalogsTest] " + UPDATE_PROPERTY + "=true: rewrote " + rewritten + " file(s) in "
                + committed + "; regenerate the golden files and review both with git diff");
    }

    /**
     * The recorded rows with the {@code row_estimate} column blanked. It is the planner's {@code reltuples}: the
     * demo's {@code ANALYZE} counts its rows exactly, but autovacuum or a larger sample may change it between loads,
     * and it is never written into generated files ({@code model.Table}), so it is not part of what must match.
     */
    static String withoutRowEstimates(String tsv) {
        List<String> lines = tsv.lines().toList();
        if (lines.isEmpty()) {
            return tsv;
        }
        int column = Arrays.asList(lines.get(0).split("\t", -1)).indexOf("row_estimate");
        if (column < 0) {
            return tsv;
        }
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split("\t", -1);
            if (column < values.length) {
                values[column] = "?";
            }
            out.append(String.join("\t", values)).append('\n');
        }
        return out.toString();
    }

    /** The repository's root: the parent of the runner module (Surefire's working directory and {@code basedir}). */
    static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        assertThat(dir.resolve("src/test/java")).as("runner module directory %s", dir).isDirectory();
        return dir.getParent();
    }
}
