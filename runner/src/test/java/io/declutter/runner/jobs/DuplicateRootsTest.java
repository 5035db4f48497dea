package io.declutter.runner.jobs;

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
import java.util.List;
import java.util.Map;

import static io.declutter.runner.testing.Cli.ok;
import static io.declutter.runner.testing.Queries.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Duplicate jobs (docs/design.md#duplicate-roots): {@code root: {duplicatesOf: ..., key: [...], keep: ...}} purges all
 * but one row per key value with their closure, ties broken by the primary key; verify, rollback, an idempotent
 * second run, and bad input refused.
 */
class DuplicateRootsTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("duplicates");

    private static final String SCHEMA = """
            create table users (id int primary key, email text, created_at timestamptz, name text);
            create table sessions (id int primary key, user_id int not null references users(id) on delete cascade);
            create index on sessions (user_id);
            create table posts (id int primary key, user_id int references users(id));
            create index on posts (user_id);
            insert into users values
              (1, 'a@x.com', '2020-01-01', 'first'),
              (2, 'A@x.com', '2021-01-01', 'newest, tied'),
              (3, 'a@X.com', '2021-01-01', 'newest, tied, higher id'),
              (4, 'b@x.com', '2019-01-01', 'alone'),
              (5, 'c@x.com', null, 'no date'),
              (6, 'C@x.com', '2018-01-01', 'dated'),
              (7, null, '2022-01-01', 'no email'),
              (8, null, '2022-01-01', 'no email either');
            insert into sessions values (10, 1), (11, 3), (12, 4), (13, 5);
            insert into posts values (20, 1), (21, 2), (22, 3);
            -- no key: duplicates cannot be told apart
            create table contacts (email text, name text);
            -- a self-reference: a duplicate's closure would reach the table again
            create table people (id int primary key, email text, boss_id int references people(id));
            create index on people (boss_id);
            """;

    private static final List<String> TABLES = List.of("public.users", "public.sessions", "public.posts");

    private Path job(ScratchDatabase db, String name, String table, String key, String keep) throws Exception {
        return JobFiles.write(dir, name + ".yaml", "job: " + name + "\nroot:\n  duplicatesOf: " + table + "\n  key: "
                + key + "\n  keep: " + keep + "\nbatchSize: 1\n", db.url());
    }

    @Test
    void allButTheNewestOfEachKeyArePurgedWithTheirClosureRestoredAndASecondRunFindsNothing() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db, "user_dups", "public.users", "[lower(email)]", "newest by created_at");
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        ok(plan);
        assertThat(plan.out()).contains("duplicates by lower(email), keeping the newest by created_at")
                .contains("public.sessions").contains("public.posts");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        Map<String, Checksums.Sum> after;
        try (Connection c = db.connect()) {
            // a@x.com: 2 and 3 tie on created_at, the lower id stays; c@x.com: a NULL date is never the newest;
            // rows without an email are no duplicates of each other.
            assertThat(ids(c, "select id from users")).containsExactly("2", "4", "6", "7", "8");
            assertThat(ids(c, "select id from sessions")).containsExactly("12");
            assertThat(ids(c, "select id from posts")).containsExactly("21");
            after = Checksums.of(c, TABLES);
        }
        ok(Cli.run("verify", "-j", job.toString()));
        Cli.Result receipt = Cli.run("receipt", "-j", job.toString(), "--run", "1");
        ok(receipt);
        assertThat(receipt.out()).contains("root: public.users: duplicates by lower(email), keeping the newest by"
                + " created_at, 3 root keys");

        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).as("the second run changes nothing").isEqualTo(after);
            assertThat(ids(c, "select count(*) from declutter.bk_user_dups_users where declutter_run = 2"))
                    .as("the second run finds no duplicates").containsExactly("0");
        }

        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    @Test
    void oldestLowestAndHighestKeepTheRowTheySay() throws Exception {
        for (var keep : List.of(List.of("oldest by created_at", "1,4,6,7,8"), List.of("lowest", "1,4,5,7,8"),
                List.of("highest", "3,4,6,7,8"))) {
            ScratchDatabase fresh = databases.load(SCHEMA);
            Path job = job(fresh, "keep_" + keep.get(0).split(" ")[0], "public.users", "[lower(email)]",
                    keep.get(0));
            ok(Cli.run("deploy", "-j", job.toString()));
            ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
            try (Connection c = fresh.connect()) {
                assertThat(String.join(",", ids(c, "select id from users"))).as(keep.get(0))
                        .isEqualTo(keep.get(1));
            }
        }
    }

    @Test
    void aStartThresholdCountsTheDuplicates() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "dups.yaml", "job: dups\nroot:\n  duplicatesOf: public.users\n  key: [lower(email)]"
                + "\n  keep: lowest\nstartWhen:\n  rootRows: 4\n", db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        ok(run);
        assertThat(run.out()).contains("root rows of public.users: duplicates by lower(email), keeping the lowest by"
                + " the primary key: 3 (start at 4)");
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select count(*) from users")).containsExactly("8");
        }
    }

    @Test
    void aBadKeyExpressionAKeylessTableAndASelfReferenceAreBadInputAndNothingChanges() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Path bad = job(db, "bad_key", "public.users", "[lower(emial)]", "newest by created_at");
        for (String command : List.of("plan", "deploy")) {
            Cli.Result r = Cli.run(command, "-j", bad.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("the duplicate key [lower(emial)] does not work on public.users")
                    .contains("column \"emial\" does not exist").contains("Fix 'root.key'");
        }
        Path keyless = job(db, "keyless", "public.contacts", "[email]", "lowest");
        Cli.Result r = Cli.run("plan", "-j", keyless.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("public.contacts has no primary key");
        Path column = job(db, "no_column", "public.users", "[email]", "newest by updated_at");
        r = Cli.run("plan", "-j", column.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("'root.keep' orders by updated_at, which is not a column of public.users");
        Path self = job(db, "self", "public.people", "[lower(email)]", "lowest");
        r = Cli.run("plan", "-j", self.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("rows of public.people itself").contains("people_boss_id_fkey");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
            assertThat(ids(c, "select count(*) from pg_namespace where nspname = 'declutter'")).containsExactly("0");
        }
    }
}
