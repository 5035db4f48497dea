package io.declutter.dialect.oracle;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.GeneratedFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every generated Oracle file of the demo and the hard schemas, for 19c and 12.1, parsed by PMD's PL/SQL parser;
 * and the catalog queries themselves. A syntax error fails the build. (No Oracle server runs here: this, the
 * golden files and the recorded-catalog tests are what is checked without one.)
 */
class OraclePlsqlParseTest {

    private static PlsqlParser parser;

    @BeforeAll
    static void setUp() {
        parser = new PlsqlParser();
    }

    @AfterAll
    static void tearDown() throws Exception {
        parser.close();
    }

    static List<OracleScenarios.Scenario> scenarios() {
        return OracleScenarios.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyGeneratedFileParses(OracleScenarios.Scenario scenario) {
        List<GeneratedFile> files = scenario.generate();
        writeForReview(scenario, files);
        List<String> errors = new ArrayList<>();
        int parsed = 0;
        for (GeneratedFile f : files) {
            if (f.path().endsWith(".sql")) {
                errors.addAll(parser.errors(scenario.name() + ": " + f.path(), f.content()));
                parsed++;
                // the one clause PMD cannot parse appears only in the form the parser takes out (PlsqlParser.FLASHBACK)
                assertThat(count(f.content(), "AS OF")).as("%s: flashback clauses", f.path())
                        .isEqualTo(count(f.content(), PlsqlParser.FLASHBACK));
            }
        }
        assertThat(errors).as("PL/SQL syntax errors").isEmpty();
        assertThat(parsed).isGreaterThan(20);
        System.out.println("[oracle parse] " + scenario.name() + ": " + parsed + " files parsed by PMD, no error");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    /** The files under target/oracle-generated/, to read what was parsed. */
    private static void writeForReview(OracleScenarios.Scenario scenario, List<GeneratedFile> files) {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "oracle-generated",
                scenario.name().replaceAll("[^A-Za-z0-9.]+", "_"));
        try {
            for (GeneratedFile f : files) {
                java.nio.file.Path target = dir.resolve(f.path());
                java.nio.file.Files.createDirectories(target.getParent());
                java.nio.file.Files.writeString(target, f.content());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void catalogQueriesParse() {
        OracleDialect dialect = OracleDialect.latest();
        List<String> errors = new ArrayList<>();
        for (CatalogQuery q : CatalogQuery.values()) {
            parser.error(q.resourceName(), dialect.catalogSql(q)).ifPresent(errors::add);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aSyntaxErrorIsFound() {
        assertThat(parser.error("bad.sql", "CREATE OR REPLACE PROCEDURE p IS BEGIN IF 1 = THEN NULL; END IF; END;\n/\n"))
                .isPresent();
        assertThat(parser.errors("bad.sql", "BEGIN EXECUTE IMMEDIATE q'[CREATE TABLE t (a NUMBER]'; END;\n/\n"))
                .hasSize(1);
    }
}
