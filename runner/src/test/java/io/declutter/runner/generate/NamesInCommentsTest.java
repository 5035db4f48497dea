package io.declutter.runner.generate;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.GeneratedTree;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.Psql;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated files name tables and constraints in comments. PostgreSQL allows any character in a quoted name,
 * line breaks included, and a line break ends a {@code --} comment: the rest of the name would become SQL run at
 * deploy time (file headers) or at purge time (comments inside the procedures). Here a table and a constraint
 * carry such names, and a schema carries {@code --}, which may not appear in the XML comment of the changelog.
 * The generated files must keep every name inside its comment, deploy with psql and Liquibase, and purge without
 * running a single word of those names.
 */
class NamesInCommentsTest {

    private static final String SCHEMA = """
            CREATE SCHEMA inj;
            CREATE SCHEMA "inj--more";
            CREATE TABLE inj.canary (id int PRIMARY KEY);
            INSERT INTO inj.canary VALUES (1), (2);
            CREATE TABLE inj.accounts (id int PRIMARY KEY, closed boolean NOT NULL);
            CREATE TABLE inj."notes
            DROP TABLE inj.canary; --" (
                id         int PRIMARY KEY,
                account_id int NOT NULL,
                CONSTRAINT "fk_notes
            DELETE FROM inj.canary; --" FOREIGN KEY (account_id) REFERENCES inj.accounts (id)
            );
            CREATE INDEX ix_notes_account_id ON inj."notes
            DROP TABLE inj.canary; --" (account_id);
            CREATE TABLE "inj--more".tasks (
                id         int PRIMARY KEY,
                account_id int NOT NULL REFERENCES inj.accounts (id)
            );
            CREATE INDEX ix_tasks_account_id ON "inj--more".tasks (account_id);
            INSERT INTO inj.accounts SELECT g, g % 2 = 0 FROM generate_series(1, 10) AS g;
            INSERT INTO inj."notes
            DROP TABLE inj.canary; --" SELECT g, 1 + g % 10 FROM generate_series(1, 50) AS g;
            INSERT INTO "inj--more".tasks SELECT g, 1 + g % 10 FROM generate_series(1, 30) AS g;
            """;

    private static ScratchDatabase db;

    @TempDir
    Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.fresh("names");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, SCHEMA);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void namesWithLineBreaksStayInsideTheirComments() throws Exception {
        Path job = JobFiles.write(work, "inj.yaml", "job: inj_purge\nroot:\n  table: inj.accounts\n  where: closed\n",
                db.url());
        Path out = work.resolve("generated");
        Cli.Result generate = Cli.run("generate", "-j", job.toString(), "-o", out.toString());
        assertThat(generate.exitCode()).as(generate.toString()).isZero();

        SortedMap<String, byte[]> files = GeneratedTree.read(out);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            // A header comment naming the table must not break off in the middle of the quoted name.
            assertThat(GeneratedTree.text(f.getValue())).as(f.getKey())
                    .doesNotContainPattern("(?m)^-- [^\n\"]*\"[^\n\"]*\n(DROP TABLE|DELETE FROM) inj\\.canary");
        }
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.newDocumentBuilder().parse(new ByteArrayInputStream(files.get("changelog.xml"))); // well-formed

        if (Psql.available()) {
            Psql.runScript(db, out.resolve("install.sql"));
            assertThat(canaryRows()).as("inj.canary after psql -f install.sql").isEqualTo(2);
        }
        Cli.Result deploy = Cli.run("deploy", "-j", job.toString(), "--dir", out.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(canaryRows()).as("inj.canary after declutter deploy").isEqualTo(2);

        Cli.Result run = Cli.run("run", "-j", job.toString(), "--ignore-window");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(canaryRows()).as("inj.canary after the purge").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM inj.accounts")).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM inj.\"notes\nDROP TABLE inj.canary; --\" n"
                + " JOIN inj.accounts a ON a.id = n.account_id")).isEqualTo(count("SELECT count(*) FROM inj.\"notes\n"
                + "DROP TABLE inj.canary; --\"")).isEqualTo(25);
        assertThat(count("SELECT count(*) FROM \"inj--more\".tasks")).isEqualTo(15);
    }

    private static long canaryRows() throws Exception {
        if (count("SELECT count(*) FROM pg_tables WHERE schemaname = 'inj' AND tablename = 'canary'") == 0) {
            return -1;
        }
        return count("SELECT count(*) FROM inj.canary");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
