package io.declutter.runner.purge;

import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.ChangeFactory;
import liquibase.change.core.SQLFileChange;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReadOnceSqlFileChange} is Liquibase's {@code sqlFile} change with the same results: for every golden file of
 * both dialects, and for texts with changelog properties, whitespace of every kind and non-ASCII characters, the SQL it
 * hands on and its checksums (versions 9 and 8) are those of Liquibase's own {@code SQLFileChange}.
 */
class ReadOnceSqlFileChangeTest {

    @Test
    void sameSqlAndChecksumsAsLiquibase() throws Exception {
        Path golden = repositoryRoot().resolve("generator/src/test/resources/golden");
        List<String> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(golden)) {
            s.filter(p -> p.toString().endsWith(".sql")).sorted()
                    .forEach(p -> paths.add(golden.relativize(p).toString().replace('\\', '/')));
        }
        assertThat(paths).hasSizeGreaterThan(100);
        compare(golden, paths);
    }

    @Test
    void propertiesWhitespaceAndNonAscii(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("props.sql"), "SELECT '${who}', '${missing}', '$', '{}', 'x$'\r\n\tFROM t;$",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ws.sql"), " \t\r\n CREATE  TABLE\tt (\u00e9t\u00e9 text, \u20ac int);\n\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("empty.sql"), "", StandardCharsets.UTF_8);
        compare(dir, List.of("props.sql", "ws.sql", "empty.sql"));
    }

    @Test
    void registeredForSqlFile() {
        ReadOnceSqlFileChange.register();
        ReadOnceSqlFileChange.register();
        Change created = Scope.getCurrentScope().getSingleton(ChangeFactory.class).create("sqlFile");
        assertThat(created).isInstanceOf(ReadOnceSqlFileChange.class);
        assertThat(Scope.getCurrentScope().getSingleton(ChangeFactory.class).getChangeMetaData(created).getName())
                .isEqualTo("sqlFile");
    }

    private static void compare(Path dir, List<String> paths) throws Exception {
        try (DirectoryResourceAccessor accessor = new DirectoryResourceAccessor(dir)) {
            Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor), () -> {
                for (String path : paths) {
                    SQLFileChange stock = change(new SQLFileChange(), path);
                    ReadOnceSqlFileChange once = change(new ReadOnceSqlFileChange(), path);
                    assertThat(once.getSql()).as(path).isEqualTo(stock.getSql());
                    assertThat(once.getSql(false)).as(path).isEqualTo(stock.getSql(false));
                    for (ChecksumVersion v : List.of(ChecksumVersion.V9, ChecksumVersion.V8)) {
                        String expected = Scope.child(Map.of(Scope.Attr.checksumVersion.name(), v),
                                () -> stock.generateCheckSum().toString());
                        String actual = Scope.child(Map.of(Scope.Attr.checksumVersion.name(), v),
                                () -> once.generateCheckSum().toString());
                        assertThat(actual).as(path + " " + v).isEqualTo(expected).startsWith(v.getVersion() + ":");
                    }
                    // a second time from what was read once
                    assertThat(once.getSql()).as(path).isEqualTo(stock.getSql());
                }
            });
        }
    }

    private static <T extends SQLFileChange> T change(T change, String path) {
        DatabaseChangeLog log = new DatabaseChangeLog("changelog.xml");
        ChangeLogParameters parameters = new ChangeLogParameters();
        parameters.set("who", "declutter");
        log.setChangeLogParameters(parameters);
        ChangeSet cs = new ChangeSet("id", "declutter", false, true, "changelog.xml", null, null, log);
        change.setPath(path);
        change.setRelativeToChangelogFile(false);
        change.setEncoding("UTF-8");
        change.setSplitStatements(false);
        change.setStripComments(false);
        cs.addChange(change);
        return change;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        assertThat(dir.resolve("src/test/java")).as("runner module directory %s", dir).isDirectory();
        return dir.getParent();
    }
}
