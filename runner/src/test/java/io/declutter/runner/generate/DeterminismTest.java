package io.declutter.runner.generate;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.GeneratedTree;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 7 (docs/design.md#invariants): same schema and configuration, byte-identical files. Every generated file is
 * compared (the per-object SQL, {@code changelog.xml} and {@code install.sql}): generating twice from one database,
 * from two fresh databases loaded the same way, from a database whose object ids were shifted before loading, and after
 * the job was deployed and run (which adds the {@code declutter} schema and changes the data). The files carry no
 * timestamp, use only {@code \n} line endings and end with {@code \n}.
 */
class DeterminismTest {

    private static ScratchDatabase first;
    private static ScratchDatabase second;

    @TempDir
    Path work;

    @BeforeAll
    static void createDatabases() throws Exception {
        first = TestDatabase.freshDemo("determinism_a");
        second = TestDatabase.freshDemo("determinism_b");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twiceFromTheSameDatabaseGivesTheSameBytes() throws Exception {
        SortedMap<String, byte[]> once = generate(first, "once");
        SortedMap<String, byte[]> twice = generate(first, "twice");
        assertSameFiles(once, twice);
    }

    @Test
    void twoDatabasesLoadedTheSameWayGiveTheSameBytes() throws Exception {
        assertSameFiles(generate(first, "first"), generate(second, "second"));
    }

    @Test
    void objectIdsAndPhysicalOrderDoNotLeakIntoTheOutput() throws Exception {
        // Same schema again, but every catalog row gets other OIDs and the tables another physical order.
        try (ScratchDatabase shifted = TestDatabase.fresh("determinism_c")) {
            try (Connection c = shifted.connect(); Statement st = c.createStatement()) {
                for (int i = 0; i < 20; i++) {
                    st.execute("CREATE TABLE public.filler_" + i + " (id int PRIMARY KEY, ref int REFERENCES public.filler_"
                            + i + ")");
                }
                for (int i = 0; i < 20; i++) {
                    st.execute("DROP TABLE public.filler_" + i);
                }
                TestDatabase.loadDemo(c);
                st.execute("ANALYZE");
            }
            assertSameFiles(generate(first, "reference"), generate(shifted, "shifted"));
        }
    }

    @Test
    void deployingAndRunningDoesNotChangeWhatIsGenerated() throws Exception {
        try (ScratchDatabase db = TestDatabase.freshDemo("determinism_d")) {
            SortedMap<String, byte[]> before = generate(db, "before");
            Path job = JobFiles.demoJob(Files.createDirectories(work.resolve("run-job")), db.url());
            Cli.Result deploy = Cli.run("deploy", "-j", job.toString());
            assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
            Cli.Result run = Cli.run("run", "-j", job.toString(), "--ignore-window");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertSameFiles(before, generate(db, "after"));
        }
    }

    @Test
    void filesHaveNoTimestampOnlyLineFeedsAndEndWithALineFeed() throws Exception {
        SortedMap<String, byte[]> files = generate(first, "format");
        assertThat(files).isNotEmpty();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Pattern isoDate = Pattern.compile("\\b(19|20)\\d\\d-[01]\\d-[0-3]\\d\\b");
        Pattern clock = Pattern.compile("\\b[0-2]\\d:[0-5]\\d(:[0-5]\\d)?\\b");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String text = GeneratedTree.text(f.getValue());
            assertThat(text).as("%s is empty", f.getKey()).isNotEmpty();
            assertThat(text).as("%s contains a carriage return", f.getKey()).doesNotContain("\r");
            assertThat(text).as("%s must end with \\n", f.getKey()).endsWith("\n");
            assertThat(text).as("%s names a date", f.getKey())
                    .doesNotContain(today.toString(), today.minusDays(1).toString(), today.plusDays(1).toString());
            assertThat(firstMatch(isoDate, text)).as("a date in %s", f.getKey()).isNull();
            assertThat(firstMatch(clock, text)).as("a time of day in %s", f.getKey()).isNull();
            assertThat(text).as("%s names the database it was generated from", f.getKey())
                    .doesNotContain(first.name()).doesNotContain("jdbc:");
        }
    }

    private static String firstMatch(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group() : null;
    }

    private SortedMap<String, byte[]> generate(ScratchDatabase db, String name) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path out = dir.resolve("generated");
        Cli.Result r = Cli.run("generate", "-j", JobFiles.demoJob(dir, db.url()).toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return GeneratedTree.read(out);
    }

    private static void assertSameFiles(SortedMap<String, byte[]> expected, SortedMap<String, byte[]> actual) {
        assertThat(expected).as("generated files").containsKeys("install.sql", "changelog.xml");
        assertThat(actual.keySet()).as("file names").containsExactlyElementsOf(expected.keySet());
        assertThat(GeneratedTree.differences(expected, actual)).as("files whose bytes differ").isEmpty();
    }
}
