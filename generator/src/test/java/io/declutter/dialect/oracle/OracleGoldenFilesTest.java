package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files pin the Oracle output of the demo job and the hard schema (19c) byte for byte. After an intended
 * change, review the diff under target/golden-actual/oracle/ and update them with
 * {@code ./mvnw test -pl generator -Ddeclutter.updateGolden=true}.
 */
class OracleGoldenFilesTest {

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "oracle");
    private static final Path ACTUAL = Path.of("target", "golden-actual", "oracle");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"demo 19c", "hard 19c"})
    void generatedFilesMatchTheGoldenFiles(String scenarioName) throws IOException {
        OracleScenarios.Scenario scenario = OracleScenarios.all().stream().filter(s -> s.name().equals(scenarioName))
                .findFirst().orElseThrow();
        List<GeneratedFile> files = scenario.generate();
        String folder = scenario.job().name();
        Path golden = GOLDEN.resolve(folder);
        if (Boolean.getBoolean("declutter.updateGolden")) {
            if (Files.exists(golden)) {
                try (Stream<Path> old = Files.walk(golden)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            write(files, golden);
            return;
        }
        write(files, ACTUAL.resolve(folder));
        List<String> differences = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        try (Stream<Path> paths = Files.walk(golden)) {
            paths.filter(Files::isRegularFile).forEach(p -> expected.add(golden.relativize(p).toString().replace('\\', '/')));
        }
        Set<String> actual = new TreeSet<>();
        for (GeneratedFile f : files) {
            actual.add(f.path());
            Path g = golden.resolve(f.path());
            if (!Files.exists(g)) {
                differences.add("new file " + f.path());
            } else if (!Files.readString(g, StandardCharsets.UTF_8).equals(f.content())) {
                differences.add("changed " + f.path());
            }
        }
        expected.stream().filter(p -> !actual.contains(p)).forEach(p -> differences.add("missing " + p));
        assertThat(differences).as("generated Oracle files differ from %s (actual output in %s)", golden,
                ACTUAL.resolve(folder)).isEmpty();
    }

    private static void write(List<GeneratedFile> files, Path dir) throws IOException {
        for (GeneratedFile f : files) {
            Path target = dir.resolve(f.path());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.content(), StandardCharsets.UTF_8);
        }
    }
}
