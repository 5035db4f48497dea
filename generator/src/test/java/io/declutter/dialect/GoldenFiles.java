package io.declutter.dialect;

import io.declutter.config.JobFile;
import io.declutter.config.JobFileReader;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.model.Catalog;
import io.declutter.model.PurgePlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The golden-file scenarios and what {@link GoldenFilesTest} does with each: read the recorded catalog, plan and
 * generate the job file's job the way {@code declutter generate --catalog} does, and compare every file with
 * {@code generator/src/test/resources/golden/<dialect>/<scenario>/}. No database is involved; that the recorded
 * PostgreSQL catalogs equal what the live database returns is checked by {@code RecordedCatalogsTest} in the runner.
 */
final class GoldenFiles {

    /** Set to {@code true} to rewrite the golden files from the current output instead of comparing. */
    static final String UPDATE_PROPERTY = "declutter.updateGolden";

    private GoldenFiles() {
    }

    /**
     * One job generated from one recorded catalog for one dialect. Paths are relative to the repository root.
     *
     * @param dialect a name {@link Dialects#forName} knows ({@code postgres}, {@code oracle}, {@code oracle:12.1})
     * @param name    the scenario, the folder of its golden files
     * @param catalog the recorded catalog's directory (one {@code .tsv} file per catalog query)
     * @param jobFile the job file, as a user would write it
     */
    record Scenario(String dialect, String name, String catalog, String jobFile) {

        @Override
        public String toString() {
            return dialect + " " + name + " (" + Path.of(jobFile).getFileName() + ")";
        }

        /** Where its golden files are: {@code generator/src/test/resources/golden/<dialect>/<name>/}. */
        Path goldenDir() {
            return moduleDir().resolve("src/test/resources/golden").resolve(dialect.replace(':', '_')).resolve(name);
        }

        /** Where the actual output goes on a mismatch: {@code generator/target/golden-actual/<dialect>/<name>/}. */
        Path actualDir() {
            return moduleDir().resolve("target/golden-actual").resolve(dialect.replace(':', '_')).resolve(name);
        }

        /** The generated files, path to content, as {@code declutter generate --catalog} writes them. */
        SortedMap<String, String> generate() {
            Dialect d = Dialects.forName(dialect);
            Catalog catalog = RecordedCatalog.read(repositoryRoot().resolve(this.catalog), d);
            JobFile job = JobFileReader.read(repositoryRoot().resolve(jobFile));
            PurgePlan plan = d.plan(catalog, job.job());
            SortedMap<String, String> files = new TreeMap<>();
            List<GeneratedFile> generated = new java.util.ArrayList<>(d.generate(plan, job.window()));
            generated.add(d.roles(plan, job.roles()));
            for (GeneratedFile f : generated) {
                if (files.put(f.path(), f.content()) != null) {
                    throw new IllegalStateException(this + " generates " + f.path() + " twice");
                }
            }
            return files;
        }
    }

    /**
     * Every scenario: the demo and the hard schema, in both dialects, and an orphan and a duplicate root on the demo's
     * catalog, the latter with a set-null logical reference, and a duplicate root re-pointing its children
     * (docs/design.md#orphan-roots, docs/design.md#duplicate-roots, docs/design.md#re-pointing).
     */
    static List<Scenario> all() {
        String catalogs = "generator/src/test/resources/catalogs/";
        String jobs = "generator/src/test/resources/jobs/";
        return List.of(
                new Scenario("postgres", "demo", catalogs + "postgres/demo", "sql/demo/postgres/tenant_purge.yaml"),
                new Scenario("postgres", "hard", catalogs + "postgres/hard", jobs + "postgres/hard_purge.yaml"),
                new Scenario("oracle", "demo", "sql/demo/oracle/catalog", "sql/demo/oracle/tenant_purge.yaml"),
                new Scenario("oracle", "hard", catalogs + "oracle/hard", jobs + "oracle/hard_purge.yaml"),
                new Scenario("postgres", "orphans", catalogs + "postgres/demo", jobs + "postgres/audit_orphans.yaml"),
                new Scenario("postgres", "duplicates", catalogs + "postgres/demo", jobs + "postgres/invoice_dups.yaml"),
                new Scenario("oracle", "orphans", "sql/demo/oracle/catalog", jobs + "oracle/audit_orphans.yaml"),
                new Scenario("oracle", "duplicates", "sql/demo/oracle/catalog", jobs + "oracle/invoice_dups.yaml"),
                new Scenario("postgres", "repoint", catalogs + "postgres/demo", jobs + "postgres/user_repoint.yaml"),
                new Scenario("oracle", "repoint", "sql/demo/oracle/catalog", jobs + "oracle/user_repoint.yaml"),
                new Scenario("oracle", "orphans_disabled", catalogs + "oracle/demo_disabled",
                        jobs + "oracle/audit_orphans_disabled.yaml"));
    }

    /**
     * The differences between the golden files of {@code scenario} and {@code actual}, one line each (a file
     * missing, new, or its first differing line), empty when they are equal.
     */
    static SortedMap<String, String> differences(Scenario scenario, Map<String, String> actual) {
        SortedMap<String, String> expected = read(scenario.goldenDir());
        SortedMap<String, String> diffs = new TreeMap<>();
        expected.forEach((path, text) -> {
            String a = actual.get(path);
            if (a == null) {
                diffs.put(path, "missing from the actual output");
            } else if (!a.equals(text)) {
                diffs.put(path, firstDifference(text, a));
            }
        });
        actual.keySet().stream().filter(p -> !expected.containsKey(p))
                .forEach(p -> diffs.put(p, "not expected (new file)"));
        return diffs;
    }

    /** What a failing comparison says: the differences, where the actual output is, how to update. */
    static String report(Scenario scenario, SortedMap<String, String> diffs) {
        return diffs.size() + " generated file(s) of " + scenario + " differ from the golden files:\n"
                + diffs.entrySet().stream().limit(10).map(e -> "  " + e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n"))
                + (diffs.size() > 10 ? "\n  ... and " + (diffs.size() - 10) + " more" : "")
                + "\nThe actual output is in " + scenario.actualDir() + " (diff -r " + scenario.goldenDir() + " "
                + scenario.actualDir() + ")."
                + "\nIf the change is intended, update the golden files with"
                + "\n  ./mvnw -B -q -pl generator test -Dtest=GoldenFilesTest -D" + UPDATE_PROPERTY + "=true"
                + "\nand review them with git diff before committing.";
    }

    /** Every regular file under {@code dir}: relative path (with {@code /}) to its text. */
    static SortedMap<String, String> read(Path dir) {
        SortedMap<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Replaces {@code dir} with exactly the given files. */
    static void write(Map<String, String> files, Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = dir.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where two texts first differ: line number and both versions of the line. */
    static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of file>";
            String al = i < a.length ? a[i] : "<end of file>";
            if (!el.equals(al)) {
                return "line " + (i + 1) + ": expected [" + el + "] but was [" + al + "]";
            }
        }
        return "same lines, different bytes";
    }

    /** The generator module's directory (Surefire's working directory and {@code basedir}). */
    static Path moduleDir() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("src/test/resources/catalogs"))) {
            throw new IllegalStateException(dir + " is not the generator module's directory");
        }
        return dir;
    }

    static Path repositoryRoot() {
        return moduleDir().getParent();
    }
}
