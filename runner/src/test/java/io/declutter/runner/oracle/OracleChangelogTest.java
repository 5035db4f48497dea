package io.declutter.runner.oracle;

import io.declutter.runner.testing.Cli;
import liquibase.util.StringUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code declutter generate --dialect oracle --catalog DIR}, without a database: the demo's recorded Oracle catalog
 * gives a package set and a changelog, and Liquibase's own splitter (endDelimiter "/", as changelog.xml says)
 * cuts every file into whole statements: PL/SQL bodies keep their semicolons, SQL statements end without one.
 */
class OracleChangelogTest {

    @Test
    void generateFromTheRecordedDemoCatalogAndSplitLikeLiquibase(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("generated");
        Cli.Result r = Cli.run("generate", "-j", Path.of("../sql/demo/oracle/tenant_purge.yaml").toString(),
                "--dialect", "oracle", "--catalog", Path.of("../sql/demo/oracle/catalog").toString(),
                "-o", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String changelog = Files.readString(out.resolve("changelog.xml"));
        assertThat(changelog).contains("endDelimiter=\"/\"").contains("tenant_purge/package_body.sql")
                .doesNotContain("grants.sql\" ").doesNotContain("path=\"tenant_purge/grants.sql").doesNotContain("path=\"tenant_purge/scheduler.sql").doesNotContain("path=\"setup_schema.sql");
        int statements = 0;
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                String text = Files.readString(f);
                for (String statement : StringUtil.processMultiLineSQL(text, false, true, "/")) {
                    String s = statement.strip();
                    String code = s.replaceAll("(?m)^\\s*--.*$", "").strip();
                    if (code.isEmpty() || code.startsWith("SET DEFINE") || code.startsWith("WHENEVER")) {
                        continue;
                    }
                    statements++;
                    boolean plsql = code.matches("(?s)^(DECLARE|BEGIN|CREATE OR REPLACE (PACKAGE|PROCEDURE|FUNCTION|TRIGGER)).*");
                    if (plsql) {
                        assertThat(code).as("%s: a PL/SQL unit ends with END ...;", f).endsWith(";");
                    } else {
                        assertThat(code).as("%s: a SQL statement ends without ';'", f).doesNotEndWith(";");
                    }
                    assertThat(code).as("%s: no stray delimiter", f).doesNotContain("\n/\n");
                }
            }
        }
        assertThat(statements).isGreaterThan(60);
    }

    @Test
    void theDialectMustBeKnown(@TempDir Path dir) {
        Cli.Result r = Cli.run("generate", "-j", Path.of("../sql/demo/oracle/tenant_purge.yaml").toString(),
                "--dialect", "db2", "--catalog", Path.of("../sql/demo/oracle/catalog").toString(),
                "-o", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown dialect 'db2'");
        assertThat(List.of(dir.toFile().list())).isEmpty();
    }
}
