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
 * ON DELETE SET NULL onto a NOT NULL column (issue: the run failed at the parent's batch): the database refuses to
 * reset the column, so it refuses the parent's delete as under RESTRICT. {@code plan} refuses the job, naming the
 * ways out, and so do generate and deploy; with the edge followed as a delete through an 'edges' override, the
 * child rows are backed up and deleted, and rollback puts everything back.
 */
class RefusedResetTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("reset");

    private static final String SCHEMA = """
            create table orgs (id bigint primary key);
            create table users (id bigint primary key, org_id bigint not null references orgs(id));
            create index on users (org_id);
            create table events (id bigint primary key, user_id bigint not null references users(id) on delete set null, note text);
            insert into orgs values (1), (2); insert into users values (10, 1), (20, 2);
            insert into events values (100, 10, 'x'), (200, 20, 'y');
            """;

    private static final List<String> TABLES = List.of("public.orgs", "public.users", "public.events");

    private static final String JOB = """
            job: org_purge
            root:
              table: public.orgs
              where: "id = 1"
            """;

    @Test
    void planRefusesTheJobNamingTheEdgeAndTheWaysOut() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB, db.url());

        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.out()).contains("ERROR  refused reset events_user_id_fkey")
                .contains("ON DELETE SET NULL, but public.events column user_id is NOT NULL")
                .contains("as if the foreign key were RESTRICT")
                .contains("edges: [{table: public.events, constraint: events_user_id_fkey, strategy: delete}]")
                .contains("or exclude public.events")
                // the unindexed SET NULL column is reported like any unindexed foreign key
                .contains("WARNING  unindexed foreign key events_user_id_fkey")
                .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS events_user_id_idx ON public.events (user_id);");
        assertThat(plan.err()).contains("cannot run as defined");

        Path out = dir.resolve("generated");
        Cli.Result generate = Cli.run("generate", "-j", job.toString(), "-o", out.toString());
        assertThat(generate.exitCode()).as(generate.toString()).isEqualTo(2);
        assertThat(generate.toString()).contains("events_user_id_fkey");
        assertThat(out.resolve("install.sql")).doesNotExist();
        Cli.Result deploy = Cli.run("deploy", "-j", job.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(2);
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select count(*) from pg_proc where proname like 'org_purge%'")).containsExactly("0");
        }
    }

    @Test
    void withTheEdgeFollowedAsADeleteThePurgeIsCorrectAndRollbackExact() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB + """
                batchSize: 1
                edges:
                  - table: public.events
                    constraint: events_user_id_fkey
                    strategy: delete
                """, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("INFO  edge override events_user_id_fkey")
                .doesNotContain("ERROR");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from orgs")).containsExactly("2");
            assertThat(ids(c, "select id from users")).containsExactly("20");
            assertThat(ids(c, "select id || ':' || user_id || ':' || note from events")).containsExactly("200:20:y");
            assertThat(ids(c, "select id || ':' || user_id || ':' || note from declutter.bk_org_purge_events"))
                    .containsExactly("100:10:x");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    /**
     * ON DELETE SET DEFAULT onto a default the parent does not hold: only the data shows it, so plan warns and the
     * run refuses before its first delete; once the parent holds the default's row, the purge resets the children to
     * it and rollback restores them.
     */
    @Test
    void setDefaultToAKeyTheParentDoesNotHoldIsRefusedBeforeTheFirstDelete() throws Exception {
        ScratchDatabase db = databases.load("""
                create table orgs (id bigint primary key);
                create table teams (id bigint primary key, org_id bigint not null references orgs(id));
                create index on teams (org_id);
                create table tickets (id bigint primary key,
                                      team_id bigint not null default 0 references teams(id) on delete set default);
                create index on tickets (team_id);
                insert into orgs values (1), (2); insert into teams values (10, 1), (20, 2);
                insert into tickets values (100, 10), (200, 20);
                """);
        // The run's own check is what this test is about: without the rehearsal (which finds the same refusal first,
        // below), the run begins and refuses before its first delete.
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB + "rehearse: false\n", db.url());
        List<String> tables = List.of("public.orgs", "public.teams", "public.tickets");
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("WARNING  set default tickets_team_id_fkey")
                .contains("sets team_id = 0 in the public.tickets rows that reference purged rows");
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
        }
        Cli.Result rehearsal = Cli.run("plan", "-j", job.toString(), "--rehearse");
        assertThat(rehearsal.exitCode()).as(rehearsal.toString()).isEqualTo(1);
        assertThat(rehearsal.out()).contains("FAILED").contains("check foreign keys")
                .contains("tickets_team_id_fkey").contains("is not in the parent table");
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.toString()).contains("will not delete").contains("tickets_team_id_fkey")
                .contains("is not in the parent table");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).as("nothing deleted").isEqualTo(before);
        }
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("insert into teams values (0, 2)");
            before = Checksums.of(c, tables);
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from teams")).containsExactly("0", "20");
            assertThat(ids(c, "select id || ':' || team_id from tickets")).containsExactly("100:0", "200:20");
        }
        ok(Cli.run("verify", "-j", job.toString(), "--run", "2"));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "2"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).isEqualTo(before);
        }
    }

    /**
     * ON DELETE SET NULL onto a nullable column that a CHECK constraint needs: only the data shows whether a reset row
     * fails it, so plan warns and the run refuses before its first delete while one would.
     */
    @Test
    void setNullThatACheckConstraintRefusesIsRefusedBeforeTheFirstDelete() throws Exception {
        ScratchDatabase db = databases.load("""
                create table orgs (id bigint primary key);
                create table users (id bigint primary key, org_id bigint not null references orgs(id));
                create index on users (org_id);
                create table events (id bigint primary key, user_id bigint references users(id) on delete set null,
                                     note text not null,
                                     constraint events_owned check (user_id is not null or note = 'orphan'));
                create index on events (user_id);
                insert into orgs values (1), (2); insert into users values (10, 1), (20, 2);
                insert into events values (100, 10, 'x'), (200, 20, 'y'), (300, 10, 'orphan');
                """);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB + "rehearse: false\n", db.url());
        List<String> tables = List.of("public.orgs", "public.users", "public.events");
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("WARNING  check on a reset column events_user_id_fkey")
                .contains("CHECK events_owned");
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
        }
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.toString()).contains("will not delete").contains("CHECK events_owned")
                .contains("would fail the CHECK constraint");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).as("nothing deleted").isEqualTo(before);
        }
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("update events set note = 'orphan' where id = 100");
            before = Checksums.of(c, tables);
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id || ':' || coalesce(user_id::text, '-') from events"))
                    .containsExactly("100:-", "200:20", "300:-");
        }
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "2"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).isEqualTo(before);
        }
    }
}
