package io.declutter.dialect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Golden files, both dialects, without a database: each scenario of {@link GoldenFiles#all()} (the demo and the hard
 * schema, PostgreSQL and Oracle 19c) generated from its recorded catalog and job file must equal, byte for byte, the
 * files under {@code src/test/resources/golden/<dialect>/<scenario>/} (same relative paths, no file missing, no file
 * extra). Any change of a template, of the planner or of a dialect shows up here as a reviewable diff.
 *
 * <p>On a mismatch the actual output is written to {@code target/golden-actual/<dialect>/<scenario>/} and the test
 * fails. When the change is intended, rewrite the golden files and review them with {@code git diff}:
 *
 * <pre>
 * ./mvnw -B -q -pl generator test -Dtest=GoldenFilesTest -Ddeclutter.updateGolden=true
 * </pre>
 *
 * <p>The recorded PostgreSQL catalogs are proven faithful by {@code RecordedCatalogsTest} in the runner module: it
 * records them again from live databases and generates there too (CONTRIBUTING.md#golden-files).
 */
class GoldenFilesTest {

    /** Longest file a DBA reviews in one go (the demo's largest is well under it). */
    static final long MAX_LINES = 600;

    static List<GoldenFiles.Scenario> scenarios() {
        return GoldenFiles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void generatedFilesEqualTheGoldenFiles(GoldenFiles.Scenario scenario) {
        SortedMap<String, String> actual = scenario.generate();
        assertThat(actual).as("generated files of %s", scenario).containsKeys("install.sql", "changelog.xml");
        // generating twice gives the same bytes (no hash order, no clock, no randomness)
        assertThat(scenario.generate()).as("a second generation of %s", scenario).isEqualTo(actual);

        // Reviewable table by table: no object's file of the PostgreSQL demo is over 600 lines. install.sql is left
        // out: it is all of them one after the other, for psql. (Oracle's package body is one file, one package.)
        if (scenario.dialect().equals("postgres") && scenario.name().equals("demo")) {
            SortedMap<String, Long> lines = new TreeMap<>();
            actual.forEach((path, text) -> lines.put(path, text.lines().count()));
            assertThat(lines.entrySet()).filteredOn(e -> !e.getKey().equals("install.sql"))
                    .as("files of %s over %d lines", scenario, MAX_LINES)
                    .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isLessThanOrEqualTo(MAX_LINES));
        }

        if (Boolean.getBoolean(GoldenFiles.UPDATE_PROPERTY)) {
            GoldenFiles.write(actual, scenario.goldenDir());
            System.out.println("[GoldenFilesTest] " + GoldenFiles.UPDATE_PROPERTY + "=true: rewrote " + actual.size()
                    + " golden files in " + scenario.goldenDir() + "; review them with git diff");
            return;
        }
        assertThat(scenario.goldenDir()).as("golden directory of %s (create it with -D%s=true)", scenario,
                GoldenFiles.UPDATE_PROPERTY).isDirectory();
        SortedMap<String, String> diffs = GoldenFiles.differences(scenario, actual);
        if (!diffs.isEmpty()) {
            GoldenFiles.write(actual, scenario.actualDir());
            fail(GoldenFiles.report(scenario, diffs));
        }
    }
}
