package io.declutter.runner.hard;

import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.FreshDatabases;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.RoundTrip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table without a primary key or a NOT NULL unique key, a leaf of the closure (docs/design.md#tables-without-a-key):
 * purged by row identity. Its rows are deleted and backed up in one statement, duplicates included; rollback puts
 * every backed-up row back once, verify counts rows as a multiset.
 */
class KeylessTablesTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("keyless");

    private static final String ISSUE_SCHEMA = """
            create table parent (id int primary key);
            create table point (parent_id int not null references parent(id), x int);
            insert into parent values (1), (2); insert into point values (1, 10), (1, 10), (2, 20);
            """;

    private static final List<String> TABLES = List.of("public.parent", "public.point");

    @Test
    void duplicatesArePurgedAndRestoredExactly() throws Exception {
        ScratchDatabase db = databases.load(ISSUE_SCHEMA);
        Path job = JobFiles.write(dir, "parent_purge.yaml", """
                job: parent_purge
                root:
                  table: public.parent
                  where: "id = 1"
                """, db.url());
        purgeVerifyRollback(db, job, List.of("2"), List.of("2:20"), List.of("1:10", "1:10"));
    }

    /**
     * Batch size 1, parents reached through two paths (a CASCADE edge and a NO ACTION one), a second keyless edge,
     * NULLs and a column type without equality (json), and a row inserted after the cache: caught up in its parent's
     * batch, deleted and backed up there.
     */
    @Test
    void batchSizeOneWithLateRowsAndTwoParents() throws Exception {
        ScratchDatabase db = databases.load("""
                create table parent (id int primary key, closed boolean not null);
                create table child (id int primary key, parent_id int not null references parent(id) on delete cascade);
                create table point (parent_id int not null references parent(id) on delete cascade,
                                    child_id int references child(id), x int, doc json);
                create index on point (parent_id);
                insert into parent values (1, true), (2, false), (3, true);
                insert into child values (10, 1), (20, 2), (30, 3), (31, 3);
                insert into point values (1, 10, 5, '{"a":1}'), (1, 10, 5, '{"a":1}'), (1, null, null, null),
                                         (1, null, null, null), (2, 20, 7, '[]'), (3, 30, 1, null), (3, 31, 1, null),
                                         (2, 31, 8, '{}');
                """);
        Path job = JobFiles.write(dir, "parent_purge.yaml", """
                job: parent_purge
                root:
                  table: public.parent
                  where: "closed"
                batchSize: 1
                """, db.url());
        List<String> tables = List.of("public.parent", "public.child", "public.point");
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("purged by row identity");
        ok(Cli.run("deploy", "-j", job.toString()));

        long run;
        try (Connection c = db.connect()) {
            JobProcedures procs = new PostgresJobProcedures(c, "parent_purge", "declutter");
            run = procs.beginRun(Optional.empty(), 1);
            for (int i = 0; i < 100; i++) {
                if (procs.step(run, 1).phase().equals("cache")) {
                    continue;
                }
                break; // the first delete batch ran
            }
        }
        // The application, after the cache: a new point of a purged parent (through a second path, the child).
        try (Connection app = db.connect(); Statement st = app.createStatement()) {
            st.execute("insert into point values (3, 30, 99, null), (2, 30, 98, null)");
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum", "--batch-size", "1"));
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select id::text from parent")).containsExactly("2");
            assertThat(rows(c, "select id::text from child")).containsExactly("20");
            assertThat(rows(c, "select concat_ws(':', parent_id, child_id, x, doc) from point"))
                    .containsExactly("2:20:7:[]");
            assertThat(rows(c, "select count(*)::text from declutter.bk_parent_purge_point where declutter_run = "
                    + run)).containsExactly("9");
            assertThat(rows(c, "select table_name || ':' || backup_rows || ':' || present_rows || ':' || orphan_rows"
                    + " from declutter.parent_purge_verify(" + run + ") where table_name = 'public.point'"))
                    .containsExactly("public.point:9:0:0");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", String.valueOf(run)));
        try (Connection c = db.connect()) {
            Map<String, Checksums.Sum> after = Checksums.of(c, tables);
            // the late rows were purged too, so they come back as well
            assertThat(after.get("public.parent")).isEqualTo(before.get("public.parent"));
            assertThat(after.get("public.child")).isEqualTo(before.get("public.child"));
            assertThat(rows(c, "select count(*)::text from point")).containsExactly("10");
            assertThat(rows(c, "select present_rows::text from declutter.parent_purge_verify(" + run
                    + ") where table_name = 'public.point'")).containsExactly("9");
            c.createStatement().execute("delete from point where x in (98, 99)");
            assertThat(Checksums.of(c, tables)).isEqualTo(before);
        }
    }

    /**
     * A partitioned keyless table (a ctid is not even unique there: each partition numbers its own) below a table
     * whose deletes finish first; rows inserted under a purged parent after that (a late child row and its points)
     * are caught up from the finished table's late rows in the parent's batch, the points deleted as they are backed
     * up.
     */
    @Test
    void partitionedKeylessTableAndLateRowsBelowAFinishedTable() throws Exception {
        ScratchDatabase db = databases.load("""
                create table parent (id int primary key, closed boolean not null);
                create table child (id int primary key, parent_id int not null references parent(id));
                create index on child (parent_id);
                create table point (kind int not null, child_id int not null references child(id), x int)
                    partition by list (kind);
                create table point_1 partition of point for values in (1);
                create table point_2 partition of point for values in (2);
                create index on point (child_id);
                insert into parent values (1, true), (2, false);
                insert into child values (10, 1), (11, 1), (20, 2);
                insert into point values (1, 10, 1), (2, 10, 1), (2, 10, 1), (1, 11, 2), (1, 20, 3), (2, 20, 3);
                """);
        Path job = JobFiles.write(dir, "parent_purge.yaml", """
                job: parent_purge
                root:
                  table: public.parent
                  where: "closed"
                batchSize: 1
                """, db.url());
        List<String> tables = List.of("public.parent", "public.child", "public.point");
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
        }
        ok(Cli.run("deploy", "-j", job.toString()));
        long run;
        try (Connection c = db.connect()) {
            JobProcedures procs = new PostgresJobProcedures(c, "parent_purge", "declutter");
            run = procs.beginRun(Optional.empty(), 1);
            // until the closed parent's children are deleted (their table finishes at the next call, which goes on
            // to the parents' batch: docs/design.md#delete-batches)
            for (int i = 0; i < 100 && !rows(c, "select count(*)::text from child").equals(List.of("1")); i++) {
                assertThat(procs.step(run, 1).phase()).isIn("cache", "delete");
            }
            assertThat(rows(c, "select count(*)::text from child")).containsExactly("1");
        }
        // The application: a new child of the closed parent (its table finished already), with points of its own.
        try (Connection app = db.connect(); Statement st = app.createStatement()) {
            st.execute("insert into child values (99, 1)");
            st.execute("insert into point values (1, 99, 7), (2, 99, 7), (2, 99, 7)");
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum", "--batch-size", "1"));
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select id::text from parent")).containsExactly("2");
            assertThat(rows(c, "select id::text from child")).containsExactly("20");
            assertThat(rows(c, "select kind || ':' || child_id || ':' || x from point"))
                    .containsExactly("1:20:3", "2:20:3");
            assertThat(rows(c, "select kind || ':' || child_id || ':' || x from declutter.bk_parent_purge_point"))
                    .containsExactly("1:10:1", "1:11:2", "1:99:7", "2:10:1", "2:10:1", "2:99:7", "2:99:7");
            assertThat(rows(c, "select count(*)::text from declutter.log where run_id = " + run
                    + " and table_name = 'public.point' and action = 'catch-up delete' and rows = 3"))
                    .containsExactly("1");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", String.valueOf(run)));
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select kind || ':' || x || ':' || tableoid::regclass from point where child_id = 99"))
                    .containsExactly("1:7:point_1", "2:7:point_2", "2:7:point_2");
            c.createStatement().execute("delete from point where child_id = 99; delete from child where id = 99");
            assertThat(Checksums.of(c, tables)).isEqualTo(before);
        }
    }

    private void purgeVerifyRollback(ScratchDatabase db, Path job, List<String> parentsLeft, List<String> pointsLeft,
                                     List<String> backedUp) throws Exception {
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("purged by row identity", "verify counts rows as a multiset");
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select id::text from parent")).containsExactlyElementsOf(parentsLeft);
            assertThat(rows(c, "select parent_id || ':' || x from point")).containsExactlyElementsOf(pointsLeft);
            assertThat(rows(c, "select parent_id || ':' || x from declutter.bk_parent_purge_point"))
                    .containsExactlyElementsOf(backedUp);
            assertThat(rows(c, "select backup_rows || ':' || present_rows || ':' || deleted_rows"
                    + " from declutter.parent_purge_verify(1) where table_name = 'public.point'"))
                    .containsExactly(backedUp.size() + ":0:" + backedUp.size());
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
            assertThat(rows(c, "select present_rows::text from declutter.parent_purge_verify(1)"
                    + " where table_name = 'public.point'")).containsExactly(String.valueOf(backedUp.size()));
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql + " order by 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Archived before delete: a keyless table's rows, duplicates included, are archived and restored once each. */
    @Test
    void keylessRowsArchivedUnitByUnitAreRestoredFromTheArchive() throws Exception {
        ScratchDatabase db = databases.load(ISSUE_SCHEMA);
        RoundTrip.checkArchived(db, dir, "parent_purge", "public.parent", "id = 1", 1, TABLES);
    }
}
