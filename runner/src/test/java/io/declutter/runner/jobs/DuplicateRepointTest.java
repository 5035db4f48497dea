package io.declutter.runner.jobs;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.UnitByUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static io.declutter.runner.testing.Cli.ok;
import static io.declutter.runner.testing.Queries.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Duplicate jobs with {@code children: repoint} (docs/design.md#re-pointing): the rows referencing a duplicate, through
 * foreign keys of every ON DELETE action and through logical references, are re-pointed to the kept row, and only the
 * duplicates are purged; verify, an idempotent second run, rollback to equal checksums, and a unique key of a child
 * that re-pointing would violate refused before anything changes.
 */
class DuplicateRepointTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("repoint");

    private static final String SCHEMA = """
            create table users (id int primary key, email text, created_at timestamptz);
            create table posts (id int primary key, user_id int references users(id));
            create index on posts (user_id);
            create table sessions (id int primary key, user_id int not null references users(id) on delete cascade);
            create index on sessions (user_id);
            create table prefs (id int primary key, user_id int references users(id) on delete set null);
            create index on prefs (user_id);
            -- the application keeps this reference itself
            create table notes (id int primary key, author_ref int, body text);
            create index on notes (author_ref);
            create table memberships (team int not null, user_id int not null references users(id),
                                      primary key (team, user_id));
            create index on memberships (user_id);
            insert into users values
              (1, 'a@x.com', '2020-01-01'), (2, 'A@x.com', '2021-01-01'), (3, 'a@X.com', '2022-01-01'),
              (4, 'b@x.com', '2019-01-01'), (5, 'c@x.com', '2018-01-01'), (6, 'C@x.com', '2023-01-01'),
              (7, null, '2022-01-01');
            insert into posts values (10, 1), (11, 2), (12, 3), (13, 4), (14, 6), (15, null);
            insert into sessions values (20, 2), (21, 3), (22, 5);
            insert into prefs values (30, 3), (31, 7);
            insert into notes values (40, 2, 'x'), (41, 6, 'y'), (42, 99, 'dangling');
            insert into memberships values (1, 1), (2, 2), (3, 6);
            """;

    private static final List<String> TABLES = List.of("public.users", "public.posts", "public.sessions",
            "public.prefs", "public.notes", "public.memberships");

    private static final String JOB = """
            job: user_repoint
            root:
              duplicatesOf: public.users
              key: [lower(email)]
              keep: oldest by created_at
              children: repoint
            references:
              - name: note_author
                child: public.notes
                columns: [author_ref]
                parent: public.users
            batchSize: 1
            """;

    @Test
    void theChildrenOfEveryDuplicateMoveToTheKeptRowOnlyTheDuplicatesGoAndRollbackPutsEverythingBack()
            throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "user_repoint.yaml", JOB, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        ok(plan);
        assertThat(plan.out()).contains("their referencing rows re-pointed to the kept row")
                .contains("re-pointed to the kept row of its group").contains("note_author")
                .contains("part of the unique key memberships_pkey");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        Map<String, Checksums.Sum> after;
        try (Connection c = db.connect()) {
            // a@x.com: 1 is the oldest, 2 and 3 go; c@x.com: 5 stays, 6 goes; no email: no group
            assertThat(ids(c, "select id from users")).containsExactly("1", "4", "5", "7");
            assertThat(ids(c, "select id || ':' || coalesce(user_id::text, '-') from posts"))
                    .containsExactly("10:1", "11:1", "12:1", "13:4", "14:5", "15:-");
            assertThat(ids(c, "select id || ':' || user_id from sessions"))
                    .as("ON DELETE CASCADE: re-pointed, not deleted").containsExactly("20:1", "21:1", "22:5");
            assertThat(ids(c, "select id || ':' || coalesce(user_id::text, '-') from prefs"))
                    .as("ON DELETE SET NULL: re-pointed, not reset").containsExactly("30:1", "31:7");
            assertThat(ids(c, "select id || ':' || author_ref from notes"))
                    .as("a logical reference is re-pointed too").containsExactly("40:1", "41:5", "42:99");
            assertThat(ids(c, "select team || ':' || user_id from memberships"))
                    .containsExactly("1:1", "2:1", "3:5");
            assertThat(ids(c, "select id from declutter.bk_user_repoint_users")).containsExactly("2", "3", "6");
            after = Checksums.of(c, TABLES);
        }
        ok(Cli.run("verify", "-j", job.toString()));

        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).as("a second run changes nothing").isEqualTo(after);
            assertThat(ids(c, "select count(*) from declutter.bk_user_repoint_users where declutter_run = 2"))
                    .containsExactly("0");
        }

        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    /**
     * A self-reference: purging the children of a duplicate would reach the table again (refused without repoint);
     * re-pointed, the rows pointing at a duplicate, duplicates among them, point at the kept row.
     */
    @Test
    void aSelfReferenceIsRePointedToo() throws Exception {
        ScratchDatabase db = databases.load("""
                create table people (id int primary key, email text, boss_id int references people(id));
                create index on people (boss_id);
                insert into people values (1, 'a@x.com', null), (2, 'A@x.com', 1), (3, 'b@x.com', 2),
                                          (4, 'a@X.com', 2), (5, 'c@x.com', 4);
                """);
        Path job = JobFiles.write(dir, "people.yaml", """
                job: people_repoint
                root:
                  duplicatesOf: public.people
                  key: [lower(email)]
                  keep: lowest
                  children: repoint
                batchSize: 1
                """, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, List.of("public.people"));
        }
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id || ':' || coalesce(boss_id::text, '-') from people"))
                    .containsExactly("1:-", "3:1", "5:1");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, List.of("public.people"))).isEqualTo(before);
        }
    }

    @Test
    void aUniqueKeyThatRePointingWouldViolateStopsTheRunBeforeAnythingChanges() throws Exception {
        // user 2 is a duplicate of user 1, and both are members of team 1: re-pointed, (1, 2) would become (1, 1)
        ScratchDatabase db = databases.load(SCHEMA + "insert into memberships values (1, 2);");
        Path job = JobFiles.write(dir, "user_repoint.yaml", JOB, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        ok(Cli.run("deploy", "-j", job.toString()));
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out() + run.err()).contains("re-pointing the rows of public.memberships")
                .contains("unique key memberships_pkey (team, user_id)").contains("Nothing was re-pointed or deleted");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
            c.createStatement().execute("delete from memberships where team = 1 and user_id = 2");
        }
        // the cause removed, the same run resumes and completes
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from users")).containsExactly("1", "4", "5", "7");
            assertThat(ids(c, "select team || ':' || user_id from memberships"))
                    .containsExactly("1:1", "2:1", "3:5");
        }
    }

    /**
     * A row inserted after the cache that references a duplicate: the catch-up before the duplicate's batch records
     * it, and the batch re-points it to the kept row (docs/design.md#re-pointing).
     */
    @Test
    void aRowArrivingAfterTheCacheIsCaughtUpAndRePointed() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "user_repoint.yaml", JOB, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        try (Connection runner = db.connect(); Connection app = db.connect()) {
            UnitByUnit run = UnitByUnit.begin(runner, "user_repoint").pastTheCache();
            app.createStatement().execute("insert into posts values (16, 3); insert into notes values (43, 6, 'late')");
            run.toTheEnd();
            assertThat(ids(runner, "select id || ':' || user_id from posts where id = 16")).containsExactly("16:1");
            assertThat(ids(runner, "select id || ':' || author_ref from notes where id = 43")).containsExactly("43:5");
            assertThat(ids(runner, "select id from users")).containsExactly("1", "4", "5", "7");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id || ':' || user_id from posts where id = 16")).containsExactly("16:3");
            assertThat(ids(c, "select id || ':' || author_ref from notes where id = 43")).containsExactly("43:6");
        }
    }
}
