package io.declutter.runner.generate;

import io.declutter.runner.db.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.GeneratedTree;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SortedMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Golden files: the demo job ({@code sql/demo/postgres/tenant_purge.yaml}) generated on a fresh demo database
 * must equal, byte for byte, the files under {@code src/test/resources/golden/postgres/tenant_purge/} (same
 * relative paths, no file missing, no file extra). Any change of a template, of the generator or of the demo
 * schema shows up here as a reviewable diff.
 *
 * <p>On a mismatch the actual output is written to {@code target/golden-actual/postgres/tenant_purge/} (compare
 * it with {@code diff -r}) and the test fails. When the change is intended, rewrite the golden files and review
 * them with {@code git diff}:
 *
 * <pre>
 * ./mvnw -B -q test -pl runner -am -Dtest=GoldenFilesTest -Dsurefire.failIfNoSpecifiedTests=false -Ddeclutter.updateGolden=true
 * </pre>
 *
 * <p>With {@code -Ddeclutter.updateGolden=true} the test replaces {@code src/test/resources/golden/postgres/tenant_purge/}
 * with the generated files and passes (it still fails if generation itself fails).
 */
class GoldenFilesTest {

    /** Set to {@code true} to rewrite the golden files from the current output instead of comparing. */
    static final String UPDATE_PROPERTY = "declutter.updateGolden";
    static final String RELATIVE = "postgres/tenant_purge";
    /** Longest file a DBA reviews in one go (the demo's largest is well under it). */
    static final long MAX_LINES = 600;

    private static ScratchDatabase db;

    @TempDir
    Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.freshDemo("golden");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void demoJobGeneratesExactlyTheGoldenFiles() throws Exception {
        Path out = work.resolve("generated");
        Cli.Result r = Cli.run("generate", "-j", JobFiles.demoJob(work, db.url()).toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        SortedMap<String, byte[]> actual = GeneratedTree.read(out);
        assertThat(actual).as("generated files").containsKeys("install.sql", "changelog.xml", "tenant_purge/step.sql");

        // Reviewable table by table: no object's file is over 600 lines. install.sql is left out: it is all of them
        // one after the other, for psql.
        SortedMap<String, Long> lines = new java.util.TreeMap<>();
        actual.forEach((path, bytes) -> lines.put(path,
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines().count()));
        assertThat(lines).as("lines per generated file").containsKey("install.sql");
        assertThat(lines.entrySet()).filteredOn(e -> !e.getKey().equals("install.sql"))
                .as("generated files over %d lines", MAX_LINES).allSatisfy(e -> assertThat(e.getValue())
                        .as(e.getKey()).isLessThanOrEqualTo(MAX_LINES));

        Path golden = moduleDir().resolve("src/test/resources/golden").resolve(RELATIVE);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            GeneratedTree.write(actual, golden);
            System.out.println("[GoldenFilesTest] " + UPDATE_PROPERTY + "=true: rewrote " + actual.size()
                    + " golden files in " + golden + "; review them with git diff");
            return;
        }

        assertThat(golden).as("golden directory %s (create it with -D%s=true)", golden, UPDATE_PROPERTY).isDirectory();
        SortedMap<String, String> diffs = GeneratedTree.differences(GeneratedTree.read(golden), actual);
        if (!diffs.isEmpty()) {
            Path actualDir = moduleDir().resolve("target/golden-actual").resolve(RELATIVE);
            GeneratedTree.write(actual, actualDir);
            fail(diffs.size() + " generated file(s) differ from the golden files:\n"
                    + diffs.entrySet().stream().limit(10).map(e -> "  " + e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("\n"))
                    + (diffs.size() > 10 ? "\n  ... and " + (diffs.size() - 10) + " more" : "")
                    + "\nThe actual output is in " + actualDir + " (diff -r " + golden + " " + actualDir + ")."
                    + "\nIf the change is intended, update the golden files with"
                    + "\n  ./mvnw -B -q test -pl runner -am -Dtest=GoldenFilesTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE_PROPERTY + "=true"
                    + "\nand review them with git diff before committing.");
        }
    }

    /** The runner module's directory (Surefire's working directory and {@code basedir}). */
    static Path moduleDir() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        assertThat(dir.resolve("src/test/java")).as("runner module directory %s", dir).isDirectory();
        return dir;
    }
}
