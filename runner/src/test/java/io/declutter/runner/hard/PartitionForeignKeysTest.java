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
 * Foreign keys that reference one partition of a partitioned table (issue: rows lost without a backup). The
 * database cascades a parent's delete into their child tables: the closure must follow them from the partitioned
 * table, restricted to the rows of that partition, and a run must refuse to delete while any foreign key acting on
 * a purged table or partition is not in its plan.
 */
class PartitionForeignKeysTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("partfk");

    private static final String SCHEMA = """
            create table org (id int primary key);
            create table runner (id int, kind int not null, org_id int not null references org(id),
                                 primary key (id, kind)) partition by list (kind);
            create table runner_group partition of runner for values in (1);
            create table runner_project partition of runner for values in (2) partition by range (id);
            create table runner_project_low partition of runner_project for values from (0) to (1000);
            create unique index on runner_group (id);
            create unique index on runner_project_low (id);
            create index on runner (org_id);
            create table runner_ns (id int primary key, runner_id int not null references runner_group(id) on delete cascade);
            create index on runner_ns (runner_id);
            -- references a partition of a partition
            create table runner_pr (id int primary key, runner_id int not null
                                    references runner_project_low(id) on delete cascade);
            create index on runner_pr (runner_id);
            insert into org values (1), (2);
            -- runner 10 is in runner_group (org 1) and, with the same id, in runner_project (org 2): a child of the
            -- second must not be taken for a child of the first, and the other way round
            insert into runner values (10, 1, 1), (20, 1, 2), (30, 2, 1), (10, 2, 2), (40, 2, 1);
            insert into runner_ns values (100, 10), (200, 20);
            insert into runner_pr values (300, 30), (310, 10), (400, 40);
            """;

    private static final List<String> TABLES = List.of("public.org", "public.runner", "public.runner_ns",
            "public.runner_pr");

    @Test
    void childrenOfAPartitionArePurgedWithABackupAndRestored() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  where: "id = 1"
                batchSize: 1
                """, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("runner_ns").contains("runner_pr");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from org")).containsExactly("2");
            assertThat(ids(c, "select id || '/' || kind from runner")).containsExactly("10/2", "20/1");
            // runner_ns 100 referenced runner_group 10 (org 1): purged; 200 (org 2) stays
            assertThat(ids(c, "select id from runner_ns")).containsExactly("200");
            // runner_pr 300 and 400 referenced org 1's project runners; 310 references runner 10 of org 2
            assertThat(ids(c, "select id from runner_pr")).containsExactly("310");
            // every deleted row is in the backup
            assertThat(ids(c, "select id from declutter.bk_org_purge_runner_ns")).containsExactly("100");
            assertThat(ids(c, "select id from declutter.bk_org_purge_runner_pr")).containsExactly("300", "400");
        }
        Cli.Result verify = Cli.run("verify", "-j", job.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();

        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    @Test
    void aRunRefusesToDeleteWhileAForeignKeyItsPlanDoesNotKnowActsOnAPurgedPartition() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  where: "id = 1"
                rehearse: false
                """, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // added after the job was planned and deployed: the generated procedures do not know it
            st.execute("create table runner_tag (id int primary key, runner_id int not null"
                    + " references runner_group(id) on delete cascade)");
            st.execute("insert into runner_tag values (1, 10)");
            before = Checksums.of(c, List.of("public.org", "public.runner", "public.runner_ns", "public.runner_pr",
                    "public.runner_tag"));
        }
        // a rehearsal finds it first; the run's own check (rehearse: false here) refuses before its first delete
        Cli.Result rehearsal = Cli.run("plan", "-j", job.toString(), "--rehearse");
        assertThat(rehearsal.exitCode()).as(rehearsal.toString()).isEqualTo(1);
        assertThat(rehearsal.out()).contains("runner_tag_runner_id_fkey").contains("plan does not know");
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.toString()).contains("runner_tag_runner_id_fkey").contains("runner_tag")
                .contains("plan does not know");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, List.of("public.org", "public.runner", "public.runner_ns", "public.runner_pr",
                    "public.runner_tag"))).as("nothing deleted").isEqualTo(before);
            assertThat(ids(c, "select sum(rows_deleted) from declutter.control where job = 'org_purge'"))
                    .containsExactly("0");
        }
        // the refused run is rolled back (nothing to restore); planned, generated and deployed again, the job
        // knows the new foreign key and purges through it
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from runner_tag")).isEmpty();
            assertThat(ids(c, "select id from declutter.bk_org_purge_runner_tag")).containsExactly("1");
        }
    }

    @Test
    void aRunRefusesToDeleteWhileAForeignKeyItsPlanDoesNotKnowActsOnAPlainPurgedTable() throws Exception {
        // pg_partition_tree lists nothing for a table that is not partitioned: the check must still see the table
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  where: "id = 1"
                """, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        List<String> tables = List.of("public.org", "public.runner", "public.runner_ns", "public.runner_pr",
                "public.org_note");
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("create table org_note (id int primary key, org_id int not null"
                    + " references org(id) on delete cascade)");
            st.execute("insert into org_note values (1, 1)");
            before = Checksums.of(c, tables);
        }
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.toString()).contains("org_note_org_id_fkey").contains("plan does not know");
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).as("nothing deleted").isEqualTo(before);
        }
    }
}
