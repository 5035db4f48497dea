package io.declutter.runner.hard;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.JobFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.declutter.runner.testing.Cli.ok;
import static io.declutter.runner.testing.Queries.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A NO ACTION key from an excluded table into the closure (a blocking edge, which plan warns about): a row of that
 * table referencing a purged row used to make the parent's delete fail half way through the run, after the tables
 * below it had been deleted. The run now looks at the data before its first delete and refuses, naming the key
 * (docs/design.md#foreign-key-check-before-the-first-delete); once the row is gone, the same run resumes and ends.
 */
class BlockingEdgeTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("blocking");

    private static final String SCHEMA = """
            create table org (id int primary key);
            create table users (id int primary key, org_id int not null references org(id));
            create index on users (org_id);
            create table posts (id int primary key, user_id int not null references users(id));
            create index on posts (user_id);
            create table audit (id int primary key, user_id int references users(id));
            create index on audit (user_id);
            insert into org values (1), (2);
            insert into users values (10, 1), (11, 1), (20, 2);
            insert into posts values (100, 10), (101, 11), (200, 20);
            insert into audit values (1000, 11), (2000, 20);
            """;

    private static final List<String> TABLES = List.of("public.org", "public.users", "public.posts", "public.audit");

    @Test
    void aRowOfAnExcludedTableReferencingAPurgedRowStopsTheRunBeforeItsFirstDelete() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  where: "id = 1"
                exclude: [public.audit]
                batchSize: 1
                rehearse: false
                """, db.url());
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("blocking edge").contains("audit_user_id_fkey");
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }

        Cli.Result rehearsal = Cli.run("plan", "-j", job.toString(), "--rehearse");
        assertThat(rehearsal.exitCode()).as(rehearsal.toString()).isEqualTo(1);
        assertThat(rehearsal.out()).contains("audit_user_id_fkey").contains("excluded table public.audit");

        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.toString()).contains("audit_user_id_fkey").contains("excluded table public.audit")
                .contains("reference rows this run purges");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).as("nothing deleted, posts included").isEqualTo(before);
        }

        // the DBA deals with the row; the same run resumes and purges everything
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("delete from audit where id = 1000");
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from users")).containsExactly("20");
            assertThat(ids(c, "select id from posts")).containsExactly("200");
            assertThat(ids(c, "select id from audit")).containsExactly("2000");
            assertThat(ids(c, "select max(run_id) from declutter.run")).containsExactly("1");
        }
        Cli.Result verify = Cli.run("verify", "-j", job.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }
}
