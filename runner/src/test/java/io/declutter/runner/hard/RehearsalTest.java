package io.declutter.runner.hard;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.JobFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal (docs/design.md#rehearsal): a guard trigger that refuses to delete one particular root row (a real schema
 * refuses to delete its default organization) is reached only at the root, after every row below it was deleted and
 * committed. {@code plan --rehearse} and the rehearsal before a new run meet it first, inside a transaction that is
 * rolled back: nothing changes and no run is recorded. With {@code rehearse: false} the run fails the old way, half way
 * through.
 */
class RehearsalTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("rehearse");

    private static final String SCHEMA = """
            create table org (id int primary key, name text not null);
            create table project (id int primary key, org_id int not null references org(id));
            create index on project (org_id);
            create table issue (id int primary key, project_id int not null references project(id), title text);
            create index on issue (project_id);
            create function org_guard() returns trigger language plpgsql as $$
            begin
                if old.name = 'default' then
                    raise exception 'the default organization cannot be deleted';
                end if;
                return old;
            end $$;
            create trigger org_guard before delete on org for each row execute function org_guard();
            insert into org values (1, 'default'), (2, 'acme'), (3, 'kept');
            insert into project select g, 1 + g % 3 from generate_series(1, 30) as g;
            insert into issue select g, 1 + g % 30, 'issue ' || g from generate_series(1, 300) as g;
            """;

    private static final List<String> TABLES = List.of("public.org", "public.project", "public.issue");

    private static final String JOB = """
            job: org_purge
            root:
              table: public.org
              where: "id IN (1, 2)"
            batchSize: 7
            """;

    @Test
    void aGuardTriggerOnTheRootIsFoundBeforeAnythingIsDeleted() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before = checksums(db);

        Cli.Result plan = Cli.run("plan", "-j", job.toString(), "--rehearse", "--sample", "1");
        assertThat(plan.exitCode()).as("the sample is the lowest keys: the default organization, id 1")
                .isEqualTo(1);
        plan = Cli.run("plan", "-j", job.toString(), "--rehearse");
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
        assertThat(plan.out()).contains("Rehearsal of job org_purge: FAILED while purging the closure of 2 root rows")
                .contains("table:     public.org")
                .contains("statement: delete of public.org, edge 1 (root rows of public.org)")
                .contains("the default organization cannot be deleted")
                .contains("nothing was changed");
        assertThat(checksums(db)).as("plan --rehearse changed nothing").isEqualTo(before);
        assertThat(runs(db)).as("no run recorded").isZero();

        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED").contains("table:     public.org")
                .contains("the default organization cannot be deleted")
                .contains("The run was not started");
        assertThat(checksums(db)).as("the refused run deleted nothing").isEqualTo(before);
        assertThat(runs(db)).as("no run recorded").isZero();
        assertThat(count(db, "select count(*) from declutter.bk_org_purge_issue")).as("no backup rows").isZero();

        // Without the rehearsal the run fails the old way: at the root, after everything below was deleted.
        Path unrehearsed = JobFiles.write(dir, "org_purge_unrehearsed.yaml", JOB + "rehearse: false\n", db.url());
        Cli.Result old = Cli.run("run", "-j", unrehearsed.toString(), "--no-vacuum");
        assertThat(old.exitCode()).as(old.toString()).isEqualTo(1);
        assertThat(old.toString()).contains("run 1 failed").contains("the default organization cannot be deleted")
                .doesNotContain("Rehearsal");
        assertThat(count(db, "select count(*) from issue")).as("issues of both orgs deleted and committed")
                .isEqualTo(100);
        assertThat(count(db, "select count(*) from project")).isEqualTo(10);
        assertThat(count(db, "select count(*) from org")).as("the root delete failed").isEqualTo(3);
        ok(Cli.run("rollback", "-j", unrehearsed.toString(), "--run", "1"));
        assertThat(checksums(db)).isEqualTo(before);
    }

    @Test
    void theSampleIsTheRootRowsWithTheLowestKeys() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB.replace("id IN (1, 2)", "id >= 2"), db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before = checksums(db);
        Cli.Result one = Cli.run("plan", "-j", job.toString(), "--rehearse", "--sample", "1");
        assertThat(one.exitCode()).as(one.toString()).isZero();
        assertThat(one.out()).contains("Rehearsal of job org_purge: OK. the closure of 1 root row (111 rows)");
        Cli.Result bad = Cli.run("plan", "-j", job.toString(), "--rehearse", "--sample", "0");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("--sample: '0' is not a number of root rows");
        assertThat(checksums(db)).isEqualTo(before);
        assertThat(runs(db)).isZero();
    }

    @Test
    void aJobWithKeysGivenAtRunTimeRehearsesThoseKeys() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  keys: runtime
                """, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        Map<String, Checksums.Sum> before = checksums(db);
        Cli.Result acme = Cli.run("plan", "-j", job.toString(), "--rehearse", "--keys", "2");
        assertThat(acme.exitCode()).as(acme.toString()).isZero();
        assertThat(acme.out()).contains("OK. the closure of 1 root row (111 rows)");
        Cli.Result noKeys = Cli.run("plan", "-j", job.toString(), "--rehearse");
        assertThat(noKeys.exitCode()).as(noKeys.toString()).isEqualTo(2);
        assertThat(noKeys.err()).contains("pass the keys to rehearse with --keys");
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum", "--keys", "2,1");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("the default organization cannot be deleted").contains("The run was not started");
        assertThat(checksums(db)).isEqualTo(before);
        assertThat(runs(db)).isZero();
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum", "--keys", "2"));
        assertThat(count(db, "select count(*) from org")).isEqualTo(2);
    }

    @Test
    void aPassingRehearsalOfTheDemoChangesNothingAndTheRunIsRunOne() throws Exception {
        try (DemoPurge demo = DemoPurge.create("rehearse_demo")) {
            demo.generateAndDeploy();
            Map<String, Checksums.Sum> before;
            try (Connection c = demo.connect()) {
                before = Checksums.of(c, DemoPurge.appTables(c));
            }
            Cli.Result plan = demo.cli("plan", "--rehearse", "--sample", "all");
            assertThat(plan.exitCode()).as(plan.toString()).isZero();
            assertThat(plan.out()).contains("Rehearsal of job tenant_purge: OK.").contains("nothing was changed");
            try (Connection c = demo.connect(); Statement st = c.createStatement()) {
                assertThat(Checksums.of(c, DemoPurge.appTables(c))).isEqualTo(before);
                try (ResultSet rs = st.executeQuery("select count(*) from declutter.run")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                }
                for (String backup : DemoPurge.backupTables(c).values()) {
                    try (ResultSet rs = st.executeQuery("select count(*) from " + backup)) {
                        rs.next();
                        assertThat(rs.getLong(1)).as(backup).isZero();
                    }
                }
            }
            // the shared demo job file turns the rehearsal off for the other suites: this one runs with it
            Files.writeString(demo.jobFile(), Files.readString(demo.jobFile()).replace("rehearse: false\n", ""));
            Cli.Result run = demo.cli("run", "--no-vacuum");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Rehearsal of job tenant_purge: OK.").contains("run 1 is done");
        }
    }

    private static Map<String, Checksums.Sum> checksums(ScratchDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return Checksums.of(c, TABLES);
        }
    }

    private static long runs(ScratchDatabase db) throws SQLException {
        return count(db, "select count(*) from declutter.run");
    }

    private static long count(ScratchDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
