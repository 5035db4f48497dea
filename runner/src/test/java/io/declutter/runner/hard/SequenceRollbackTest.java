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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rollback puts rows back with their old ids, so it moves the sequences feeding those ids forward past the restored
 * values: never backwards, never out of the sequence's bounds, and never failing (issue 11, item 1). Each case
 * purges, rolls back, and checks the data is exactly as before and the sequence where it must be.
 */
class SequenceRollbackTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("seqrb");

    /** The reproduction: MINVALUE 1000, never called, rows holding ids below it. */
    @Test
    void aNeverCalledSequenceWhoseMinvalueLiesAboveTheRestoredIdsIsLeftAlone() throws Exception {
        ScratchDatabase db = databases.load("""
                create table org (id bigint primary key, name text not null);
                create sequence org_id_seq start with 1000 minvalue 1000 owned by org.id;
                alter table org alter column id set default nextval('org_id_seq');
                create table project (id bigserial primary key, org_id bigint not null references org(id), name text);
                create index on project (org_id);
                insert into org (id, name) values (1, 'default'), (2, 'acme');
                insert into project (org_id, name) values (1, 'p1'), (2, 'p2'), (2, 'p3');
                """);
        purgeAndRollBack(db, "public.org", "id = 2", List.of("public.org", "public.project"));
        try (Connection c = db.connect()) {
            assertThat(state(c, "org_id_seq")).isEqualTo("1000 false");
            // project's serial had handed out 1 to 3: the restored 2 and 3 are not ahead of it
            assertThat(state(c, "project_id_seq")).isEqualTo("3 true");
            assertThat(value(c, "insert into org (name) values ('new') returning id")).isEqualTo("1000");
        }
    }

    /** A descending sequence moves down, past the lowest restored value it could still produce. */
    @Test
    void aDescendingSequenceMovesDownPastTheRestoredValues() throws Exception {
        ScratchDatabase db = databases.load("""
                create table org (id int primary key, name text not null);
                create sequence org_id_seq increment by -1 minvalue -1000 maxvalue -1 start with -1 owned by org.id;
                alter table org alter column id set default nextval('org_id_seq');
                create table note (id int primary key, org_id int not null references org(id));
                create index on note (org_id);
                insert into org (name) values ('a'), ('b');            -- -1, -2 from the sequence
                insert into org (id, name) values (-5, 'x'), (-6, 'x'), (-2000, 'x'), (7, 'x'); -- ahead, out of bounds
                insert into note values (1, -1), (2, -6), (3, 7);
                """);
        // the rows of -5, -6 and -2000 and 7 come back; the sequence (next -3) would hand out -5 and -6 again
        purgeAndRollBack(db, "public.org", "name = 'x'", List.of("public.org", "public.note"));
        try (Connection c = db.connect()) {
            assertThat(state(c, "org_id_seq")).isEqualTo("-6 true");
            assertThat(value(c, "insert into org (name) values ('new') returning id")).isEqualTo("-7");
        }
    }

    /** Restored values behind a descending sequence (already handed out) do not move it back up. */
    @Test
    void aDescendingSequenceIsNeverMovedBack() throws Exception {
        ScratchDatabase db = databases.load("""
                create table org (id int primary key, name text not null);
                create sequence org_id_seq increment by -1 maxvalue -1 start with -1 owned by org.id;
                alter table org alter column id set default nextval('org_id_seq');
                insert into org (name) values ('x'), ('x'), ('b');     -- -1, -2, -3
                """);
        purgeAndRollBack(db, "public.org", "name = 'x'", List.of("public.org"));
        try (Connection c = db.connect()) {
            assertThat(state(c, "org_id_seq")).isEqualTo("-3 true");
        }
    }

    /** A sequence never called (or set with is_called = false) hands out last_value next: that value counts. */
    @Test
    void isCalledIsRespected() throws Exception {
        ScratchDatabase db = databases.load("""
                create table a (id serial primary key, name text not null);
                create table b (id serial primary key, name text not null);
                create table c (id serial primary key, name text not null);
                insert into a (id, name) values (1, 'x'), (2, 'x'), (3, 'y');    -- a_id_seq never called: next 1
                insert into b (id, name) values (10, 'x'), (11, 'y');
                select setval('b_id_seq', 10, false);                        -- next 10, which a restored row holds
                insert into c (id, name) values (9, 'x'), (11, 'y');
                select setval('c_id_seq', 10, false);                        -- next 10, restored 9 is behind it
                """);
        purgeAndRollBack(db, "public.a", "name = 'x'", List.of("public.a"));
        purgeAndRollBack(db, "public.b", "name = 'x'", List.of("public.b"));
        purgeAndRollBack(db, "public.c", "name = 'x'", List.of("public.c"));
        try (Connection c = db.connect()) {
            assertThat(state(c, "a_id_seq")).isEqualTo("2 true");
            assertThat(state(c, "b_id_seq")).isEqualTo("10 true");
            assertThat(state(c, "c_id_seq")).isEqualTo("10 false");
        }
    }

    /** MAXVALUE with CYCLE: restored values beyond the bound are ignored, those within it are passed. */
    @Test
    void valuesBeyondMaxvalueAreIgnoredAndCycleSequencesMoveWithinTheirBounds() throws Exception {
        ScratchDatabase db = databases.load("""
                create table org (id int primary key, name text not null);
                create sequence org_id_seq maxvalue 100 cycle owned by org.id;
                alter table org alter column id set default nextval('org_id_seq');
                insert into org (name) values ('a');                          -- 1
                insert into org (id, name) values (50, 'x'), (150, 'x'), (100, 'y');
                create table big (id bigint generated by default as identity (maxvalue 20) primary key, name text);
                insert into big (id, name) values (20, 'x'), (5, 'y');        -- identity never called, 20 is its max
                """);
        purgeAndRollBack(db, "public.org", "name = 'x'", List.of("public.org"));
        purgeAndRollBack(db, "public.big", "name = 'x'", List.of("public.big"));
        try (Connection c = db.connect()) {
            assertThat(state(c, "org_id_seq")).isEqualTo("50 true");
            assertThat(value(c, "select pg_get_serial_sequence('big', 'id')")).isEqualTo("public.big_id_seq");
            // at its bound: the next nextval fails (NO CYCLE), as it would have before the purge handed 20 out
            assertThat(state(c, "big_id_seq")).isEqualTo("20 true");
        }
    }

    private void purgeAndRollBack(ScratchDatabase db, String root, String where, List<String> tables) throws Exception {
        String name = "p_" + root.substring(root.indexOf('.') + 1);
        Path job = JobFiles.write(dir, name + ".yaml", """
                job: %s
                root:
                  table: %s
                  where: "%s"
                """.formatted(name, root, where), db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
        }
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).as("purged").isNotEqualTo(before);
            long run = Long.parseLong(value(c, "select max(run_id) from declutter.run where job = '" + name + "'"));
            ok(Cli.run("rollback", "-j", job.toString(), "--run", Long.toString(run)));
            assertThat(Checksums.of(c, tables)).as("restored exactly").isEqualTo(before);
            assertThat(value(c, "select status from declutter.run where run_id = " + run)).isEqualTo("rolled back");
        }
    }

    private static String state(Connection c, String sequence) throws SQLException {
        return value(c, "select last_value || ' ' || is_called from " + sequence);
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
