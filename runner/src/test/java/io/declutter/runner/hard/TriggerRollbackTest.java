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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rollback puts back exactly the backed-up rows and nothing else: the application's triggers and rules do not fire
 * while it restores (issue 11, item 5), referential integrity is checked instead, and a rollback that fails is
 * undone as a whole, leaving the database and the run as they were before that attempt.
 */
class TriggerRollbackTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("trgrb");

    /** The reproduction, plus a rule, a guard trigger and a trigger set to ENABLE ALWAYS. */
    private static final String SCHEMA = """
            create table org (id int primary key);
            create table dash (id int primary key, org_id int not null references org(id));
            create index on dash (org_id);
            create table dash_search (id serial primary key, dash_id int not null unique references dash(id) on delete cascade);
            create function dash_ins() returns trigger language plpgsql as $$ begin insert into dash_search (dash_id) values (new.id); return new; end $$;
            create trigger dash_ins after insert on dash for each row execute function dash_ins();
            insert into org values (1), (2);
            insert into dash values (10, 1), (20, 2);
            -- a rule writing an audit row for every new dash, and a trigger that runs even in replica mode
            create table audit (dash_id int not null, at timestamptz not null default now());
            create rule dash_audit as on insert to dash do also insert into audit (dash_id) values (new.id);
            create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
            create trigger dash_touch before update on dash for each row execute function touch();
            alter table dash enable always trigger dash_touch;
            """;

    private static final List<String> TABLES = List.of("public.org", "public.dash", "public.dash_search",
            "public.audit");

    @Test
    void rollbackFiresNeitherTheApplicationsTriggersNorItsRules() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db);
        Map<String, Checksums.Sum> before = sums(db);

        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("Triggers and rules on the tables a run changes")
                .containsPattern("public\\.dash +dash_ins +AFTER INSERT FOR EACH ROW +- +not fired")
                .containsPattern("public\\.dash +dash_audit +rule ON INSERT +- +not fired")
                .containsPattern("public\\.dash +dash_touch +BEFORE UPDATE FOR EACH ROW +- +FIRES")
                .contains("session_replication_role = replica").contains("ENABLE ALWAYS");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(rows(c, "select id from dash")).containsExactly("20");
            // since the purge, a guard refuses new rows with ids below 100 (a retired range)
            st.execute("""
                    create function guard() returns trigger language plpgsql as $$
                    begin if new.id < 100 then raise exception 'dash id % is retired', new.id; end if; return new; end $$;
                    create trigger dash_guard before insert on dash for each row execute function guard();
                    """);
        }
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        assertThat(sums(db)).as("exactly the backed-up rows, nothing derived again").isEqualTo(before);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(rows(c, "select status from declutter.run")).containsExactly("rolled back");
            // the application's own inserts still fire everything
            assertThatThrownBy(() -> st.execute("insert into dash values (30, 2)")).hasMessageContaining("retired");
            st.execute("insert into dash values (300, 2)");
            assertThat(rows(c, "select dash_id from dash_search")).containsExactly("10", "20", "300");
            assertThat(rows(c, "select dash_id from audit")).containsExactly("300");
        }
    }

    @Test
    void aRollbackThatFailsIsUndoneAndCanBeCalledAgain() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA + """
                create table theme (id int primary key);
                insert into theme values (5), (6);
                alter table dash add column theme_id int references theme(id), add column name text unique;
                update dash set theme_id = 5, name = 'a' where id = 10;
                update dash set theme_id = 6, name = 'b' where id = 20;
                """);
        List<String> tables = new ArrayList<>(TABLES);
        tables.add("public.theme");
        Path job = job(db);
        Map<String, Checksums.Sum> before = sums(db, tables);
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        Map<String, Checksums.Sum> purged = sums(db, tables);

        // 1. a row the application added since takes the unique name of a purged one: the restore of dash fails
        //    after org was restored, and everything is undone
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("insert into dash (id, org_id, theme_id, name) values (30, 2, 6, 'a')");
        }
        Map<String, Checksums.Sum> conflicted = sums(db, tables);
        Cli.Result failed = Cli.run("rollback", "-j", job.toString(), "--run", "1");
        assertThat(failed.exitCode()).as(failed.toString()).isNotZero();
        assertThat(failed.err()).contains("rollback of run 1 failed at restore public.dash and was undone")
                .contains("dash_name_key");
        assertThat(sums(db, tables)).as("not half restored: org 1 is not back").isEqualTo(conflicted);
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select status from declutter.run")).as("the run keeps its status").containsExactly("done");
            assertThat(rows(c, "select last_error from declutter.run")).singleElement().asString()
                    .contains("rollback (restore public.dash)").contains("dash_name_key");
            assertThat(rows(c, "select action from declutter.log where message like 'rollback%'"))
                    .containsExactly("error");
        }

        // 2. the conflict removed, a theme the purged dash referenced is deleted since (nothing references it now):
        //    the foreign-key triggers do not run during the restore, the explicit check finds it
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("delete from dash where id = 30");
            st.execute("delete from dash_search where dash_id = 30");
            st.execute("delete from audit where dash_id = 30");
            st.execute("delete from theme where id = 5");
        }
        Cli.Result dangling = Cli.run("rollback", "-j", job.toString(), "--run", "1");
        assertThat(dangling.exitCode()).as(dangling.toString()).isNotZero();
        assertThat(dangling.err()).contains("was undone").contains("1 row(s) of dash reference rows of theme")
                .contains("dash_theme_id_fkey");
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select id from org")).containsExactly("2");
            assertThat(rows(c, "select status from declutter.run")).containsExactly("done");
        }

        // 3. the theme back, the rollback goes through and the data is exactly as before the purge
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("insert into theme values (5)");
        }
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        assertThat(sums(db, tables)).isEqualTo(before);
        assertThat(purged).isNotEqualTo(before);
    }

    @Test
    void withoutTheRightToSetSessionReplicationRoleRollbackChangesNothing() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db);
        Map<String, Checksums.Sum> before = sums(db);
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        Map<String, Checksums.Sum> purged = sums(db);
        String role = "declutter_rb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("create role " + role);
            st.execute("grant usage on schema public, declutter to " + role);
            st.execute("grant all on all tables in schema public, declutter to " + role);
            st.execute("grant all on all sequences in schema public, declutter to " + role);
            try {
                st.execute("set role " + role);
                assertThatThrownBy(() -> st.execute("call declutter.org_purge_rollback(1)"))
                        .isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                        .hasMessageContaining("may not set session_replication_role")
                        .hasMessageContaining("Nothing was changed")
                        .hasMessageContaining("GRANT SET ON PARAMETER session_replication_role TO " + role);
                st.execute("reset role");
                assertThat(sums(db)).isEqualTo(purged);
                assertThat(rows(c, "select status from declutter.run")).containsExactly("done");

                // PostgreSQL 15: the privilege granted, the same role rolls back
                st.execute("grant set on parameter session_replication_role to " + role);
                st.execute("set role " + role);
                st.execute("call declutter.org_purge_rollback(1)");
                st.execute("reset role");
                assertThat(sums(db)).isEqualTo(before);
            } finally {
                st.execute("reset role");
                st.execute("revoke set on parameter session_replication_role from " + role);
                st.execute("drop owned by " + role);
                st.execute("drop role " + role);
            }
        }
    }

    private Path job(ScratchDatabase db) throws Exception {
        return JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  where: "id = 1"
                """, db.url());
    }

    private static Map<String, Checksums.Sum> sums(ScratchDatabase db) throws SQLException {
        return sums(db, TABLES);
    }

    private static Map<String, Checksums.Sum> sums(ScratchDatabase db, List<String> tables) throws SQLException {
        try (Connection c = db.connect()) {
            return Checksums.of(c, tables);
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
}
