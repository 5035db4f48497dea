package io.declutter.runner.purge;

import liquibase.Scope;
import liquibase.change.core.SQLFileChange;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.parser.SqlParserFactory;
import liquibase.util.StringUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WholeFileSqlParser} changes nothing Liquibase sends: for every PostgreSQL golden file, deployed as the
 * changelog deploys it ({@code splitStatements="false" stripComments="false"}), Liquibase's statement is the same with
 * and without it; and a changeset that splits is still split by Liquibase's own parser.
 */
class WholeFileSqlParserTest {

    @Test
    void theStatementsLiquibaseSendsAreTheSame() throws Exception {
        SqlParserFactory factory = Scope.getCurrentScope().getSingleton(SqlParserFactory.class);
        if (factory.getSqlParser() instanceof WholeFileSqlParser registered) {
            factory.unregister(registered); // another test's deploy in this JVM registered it
        }
        Path golden = repositoryRoot().resolve("generator/src/test/resources/golden/postgres");
        List<Path> files;
        try (Stream<Path> s = Files.walk(golden)) {
            files = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(50);
        ChangeSet whole = changeSet(false, false);
        Map<Path, List<String>> expected = new LinkedHashMap<>();
        for (Path f : files) {
            expected.put(f, List.of(StringUtil.processMultiLineSQL(Files.readString(f, StandardCharsets.UTF_8),
                    false, false, null, whole)));
        }

        WholeFileSqlParser.register();
        WholeFileSqlParser.register();
        assertThat(factory.getSqlParser()).isInstanceOf(WholeFileSqlParser.class);
        for (Path f : files) {
            List<String> actual = List.of(StringUtil.processMultiLineSQL(Files.readString(f, StandardCharsets.UTF_8),
                    false, false, null, whole));
            assertThat(actual).as(f.toString()).isEqualTo(expected.get(f)).hasSize(1);
        }
    }

    @Test
    void aChangesetThatSplitsOrStripsIsParsedByLiquibase() {
        WholeFileSqlParser.register();
        String sql = "SELECT 1; -- one\nSELECT 2;";
        assertThat(StringUtil.processMultiLineSQL(sql, false, true, null, changeSet(true, false))).hasSize(2);
        assertThat(WholeFileSqlParser.sentWhole(changeSet(false, true))).isFalse();
        assertThat(WholeFileSqlParser.sentWhole(changeSet(true, false))).isFalse();
        assertThat(WholeFileSqlParser.sentWhole(changeSet(false, false))).isTrue();
        assertThat(WholeFileSqlParser.sentWhole(null)).isFalse();
    }

    private static ChangeSet changeSet(boolean split, boolean strip) {
        ChangeSet cs = new ChangeSet("id", "declutter", false, true, "changelog.xml", null, null,
                new DatabaseChangeLog("changelog.xml"));
        SQLFileChange change = new SQLFileChange();
        change.setPath("x.sql");
        change.setSplitStatements(split);
        change.setStripComments(strip);
        cs.addChange(change);
        return cs;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        assertThat(dir.resolve("src/test/java")).as("runner module directory %s", dir).isDirectory();
        return dir.getParent();
    }
}
