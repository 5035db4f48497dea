package io.declutter.runner.picture;

import io.declutter.dialect.Resources;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan --dot} on the hard schema (a cycle, SET NULL and CASCADE edges, partitions, odd names;
 * docs/plan-picture.md#dot): one node per table of the closure with its estimated rows, one edge per control row
 * with its key, ON DELETE action and strategy, the same bytes on every run, and a clear refusal of a file in a
 * directory that does not exist. Where Graphviz is installed, {@code dot} also reads the file without an error.
 */
class PlanDotTest {

    private static ScratchDatabase db;

    @TempDir
    static Path work;

    private static Path job;

    @BeforeAll
    static void load() throws Exception {
        db = TestDatabase.fresh("plan_dot");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, Resources.text(PlanDotTest.class, "/postgres/hard_schema.sql"));
        }
        String yaml = """
                job: hard_purge
                root:
                  table: hard.accounts
                  where: "status = 'closed'"
                """;
        job = JobFiles.write(work, "hard_purge.yaml", yaml, db.url());
    }

    @AfterAll
    static void drop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTableAndEdgeOfThePlanIsInTheGraphTheSameEveryTime() throws Exception {
        Path dot = work.resolve("hard.dot");
        Cli.Result r = Cli.run("plan", "-j", job.toString(), "--dot", dot.toString());
        Cli.ok(r);
        assertThat(r.out()).contains("Picture of the closure (", dot + " (Graphviz DOT)");
        String text = Files.readString(dot, StandardCharsets.UTF_8);

        String order = r.out().lines().filter(l -> l.startsWith("Delete order: ")).findFirst().orElseThrow();
        for (String table : order.substring("Delete order: ".length()).split(", ")) {
            String id = ClosureDot.id(table);
            assertThat(text).as("node of %s", table).containsPattern("(?m)^  " + Pattern.quote(id + " [label="
                    + id.substring(0, id.length() - 1) + "\\n~") + "\\d+ rows");
        }
        // the control table's rows: edge ids 2.. (1 is the root)
        long controlRows = r.out().lines().dropWhile(l -> !l.startsWith("Control table")).skip(3)
                .takeWhile(l -> !l.isBlank()).count();
        Matcher edges = Pattern.compile("(?m)^  \".*\" -> \".*\" \\[id=\"e(\\d+)\", label=\"(?:[^\"\\\\]|\\\\.)*?\\\\n"
                + "(NO ACTION|RESTRICT|CASCADE|SET NULL|SET DEFAULT|logical): ").matcher(text);
        int n = 0;
        while (edges.find()) {
            n++;
        }
        assertThat(n).as("edges").isEqualTo(controlRows - 1).isPositive();
        assertThat(text).contains("SET NULL: set null", "CASCADE: delete", "(detach)", "cycle ");
        assertThat(text).startsWith("// declutter plan: the closure of job hard_purge").endsWith("}\n");

        Path again = work.resolve("again.dot");
        Cli.ok(Cli.run("plan", "-j", job.toString(), "--dot", again.toString()));
        assertThat(Files.readString(again, StandardCharsets.UTF_8)).as("deterministic").isEqualTo(text);

        // .ci/run installs Graphviz: in CI its check runs, elsewhere it runs where dot is installed
        if (Files.isExecutable(Path.of("/usr/bin/dot")) || "true".equals(System.getenv("CI"))) {
            Process p = new ProcessBuilder("/usr/bin/dot", "-Tsvg", dot.toString(), "-o",
                    work.resolve("hard.svg").toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("dot: %s", said).isZero();
            assertThat(said).as("Graphviz warnings").isEmpty();
        }
    }

    @Test
    void aFileInADirectoryThatDoesNotExistIsRefusedBeforeAnythingIsRead() {
        for (String option : List.of("--dot", "--html")) {
            Path missing = work.resolve("no/such/dir/plan.out");
            Cli.Result r = Cli.run("plan", "-j", job.toString(), option, missing.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err()).contains(option + " " + missing, "does not exist");
            assertThat(r.out()).as("no plan printed").doesNotContain("Control table");
            assertThat(missing.getParent()).doesNotExist();
        }
    }
}
