package io.declutter.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation's links hold: every relative link in README.md, CONTRIBUTING.md and docs/*.md points at a file
 * of the repository (and at a heading of it, when it names one), and every {@code docs/....md#anchor} that a code
 * comment or template cites exists. No comment cites the product specification, a file outside the repository.
 */
class DocsLinksTest {

    private static final Path ROOT = repositoryRoot();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CITATION = Pattern.compile("docs/([a-z-]+\\.md)#([a-z0-9-]+)");
    /** A citation of the product specification by section or invariant (written so as not to match itself). */
    private static final Pattern SPEC = Pattern.compile("\\bSPEC (\\u00a7|invariant)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    @Test
    void everyRelativeLinkOfTheDocsPointsAtAFileAndHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CONTRIBUTING.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertThat(pages).hasSizeGreaterThanOrEqualTo(6);
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(target)) {
                    broken.add(ROOT.relativize(page) + ": " + link + " (no such file)");
                } else if (hash >= 0 && !anchors(target).contains(link.substring(hash + 1))) {
                    broken.add(ROOT.relativize(page) + ": " + link + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyDocsAnchorTheCodeCitesExistsAndNothingCitesTheSpec() throws IOException {
        List<String> broken = new ArrayList<>();
        int citations = 0;
        for (String dir : List.of("generator/src", "runner/src", "templates")) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(java|ftl|sql)$"))
                        .filter(p -> !p.toString().contains("/golden/"))
                        .sorted().toList();
            }
            for (Path f : files) {
                String text = Files.readString(f);
                if (SPEC.matcher(text).find()) {
                    broken.add(ROOT.relativize(f) + " cites SPEC, which is not in the repository");
                }
                Matcher m = CITATION.matcher(text);
                while (m.find()) {
                    citations++;
                    Path doc = ROOT.resolve("docs").resolve(m.group(1));
                    if (!Files.exists(doc) || !anchors(doc).contains(m.group(2))) {
                        broken.add(ROOT.relativize(f) + " cites " + m.group() + ", which does not exist");
                    }
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(citations).as("citations found").isGreaterThan(10);
    }

    /** The anchors GitHub gives a Markdown file's headings. */
    static Set<String> anchors(Path markdown) {
        Set<String> result = new HashSet<>();
        if (!markdown.toString().endsWith(".md")) {
            return result;
        }
        boolean fenced = false;
        try {
            for (String line : Files.readAllLines(markdown)) {
                if (line.startsWith("```")) {
                    fenced = !fenced;
                }
                Matcher m = HEADING.matcher(line);
                if (!fenced && m.matches()) {
                    result.add(slug(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** GitHub's rule: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
    static String slug(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root (a directory holding README.md)").isNotNull();
        return dir;
    }
}
