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

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DELETE triggers on purged tables that write rows outside the closure (issue 11, item 4): plan names them and the
 * tables they write; kept, the run counts those tables and verify and rollback report the difference; disabled by
 * the job, they do not fire for the purge's deletes (and are never left disabled), and rollback is exact.
 */
class TriggerOutsideClosureTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("trgout");

    /** An outbox trigger (AFTER DELETE inserts into deleted_records), and one plan cannot read (dynamic SQL). */
    private static final String SCHEMA = """
            create table org (id int primary key);
            create table project (id int primary key, org_id int not null references org(id));
            create index on project (org_id);
            create table deleted_records (id bigserial primary key, tbl text not null, row_id int not null);
            create function outbox() returns trigger language plpgsql as $$
            begin
              -- insert into not_a_table values (1);
              insert into deleted_records (tbl, row_id) values (tg_table_name, old.id);
              return old;
            end $$;
            create trigger project_outbox after delete on project for each row execute function outbox();
            create function dyn() returns trigger language plpgsql as $$
            begin execute 'select 1'; return old; end $$;
            create trigger org_dyn after delete on org for each row execute function dyn();
            insert into org values (1), (2);
            insert into project values (10, 1), (11, 1), (20, 2);
            """;

    private static final List<String> TABLES = List.of("public.org", "public.project", "public.deleted_records");

    @Test
    void planNamesTheTriggerAndTheTableItWritesOutsideTheClosure() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Cli.Result plan = Cli.run("plan", "-j", job(db, "").toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out())
                .containsPattern("public\\.project +project_outbox +AFTER DELETE FOR EACH ROW +fires +- +"
                        + "public\\.deleted_records \\(OUTSIDE\\)")
                .containsPattern("public\\.org +org_dyn +AFTER DELETE FOR EACH ROW +fires +- +unknown")
                .contains("WARNING  trigger writing outside closure public.project.project_outbox: trigger"
                        + " public.project.project_outbox fires on every purged row and writes public.deleted_records"
                        + " (outside the closure)")
                .contains("\"triggers: {disable: [project_outbox]}\"")
                .contains("WARNING  trigger writing outside closure public.org.org_dyn: trigger public.org.org_dyn"
                        + " fires on every purged row and may write any table: it runs dynamic SQL (EXECUTE)")
                .doesNotContain("not_a_table");
    }

    @Test
    void keptVerifyAndRollbackReportWhatTheTriggerWroteInsteadOfClaimingSuccess() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db, "triggers: keep\n");
        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select row_id from deleted_records")).containsExactly("10", "11");
            assertThat(rows(c, "select table_name || ':' || rows_before || ':' || rows_after from"
                    + " declutter.trigger_effect where table_name is not null")).containsExactly("public.deleted_records:0:2");
        }

        Cli.Result verify = Cli.run("verify", "-j", job.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.out()).contains("PROBLEM: trigger public.project.project_outbox wrote 2 rows to"
                        + " public.deleted_records that declutter did not back up and rollback cannot restore")
                .contains("NOTE: trigger public.org.org_dyn fired on the purged rows and may have written rows"
                        + " outside the closure that verify cannot count: it runs dynamic SQL (EXECUTE)")
                .doesNotContain("OK:");
        Cli.Result status = Cli.run("status", "-j", job.toString());
        assertThat(status.out()).containsPattern("public\\.deleted_records +public\\.project\\.project_outbox +0 +2"
                + " +\\+2 not backed up");

        Cli.Result rollback = Cli.run("rollback", "-j", job.toString(), "--run", "1");
        ok(rollback);
        assertThat(rollback.out()).contains("rows restored, but not everything the run changed")
                .contains("PROBLEM: trigger public.project.project_outbox wrote 2 rows to public.deleted_records");
        Cli.Result again = Cli.run("verify", "-j", job.toString());
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
        assertThat(again.out()).contains("PROBLEM: trigger public.project.project_outbox wrote 2 rows");
    }

    @Test
    void disabledTheTriggerDoesNotFireForThePurgeIsNeverLeftDisabledAndRollbackIsExact() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA + """
                -- a guard that refuses one purged row, until it is dropped: the batch fails and is undone
                create function guard() returns trigger language plpgsql as $$
                begin if old.id = 11 then raise exception 'project 11 is protected'; end if; return old; end $$;
                create trigger project_guard before delete on project for each row execute function guard();
                """);
        Path job = job(db, "triggers:\n  disable: [project_outbox, public.org.org_dyn]\n");
        Map<String, Checksums.Sum> before = sums(db);
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.out()).containsPattern("public\\.project +project_outbox +AFTER DELETE FOR EACH ROW"
                        + " +disabled by job")
                .contains("INFO  trigger public.project.project_outbox: trigger public.project.project_outbox is"
                        + " disabled by the job around each delete batch")
                .doesNotContain("trigger writing outside closure");
        ok(Cli.run("deploy", "-j", job.toString()));

        Cli.Result failed = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(failed.exitCode()).as(failed.toString()).isNotZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(rows(c, "select tgname || ':' || tgenabled::text from pg_trigger where not tgisinternal"))
                    .as("the failed batch's DISABLE was undone with it")
                    .containsExactly("org_dyn:O", "project_guard:O", "project_outbox:O");
            st.execute("drop trigger project_guard on project");
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(rows(c, "select id from project")).containsExactly("20");
            assertThat(rows(c, "select row_id from deleted_records")).as("no outbox row for the purge").isEmpty();
            assertThat(rows(c, "select tgname || ':' || tgenabled::text from pg_trigger where not tgisinternal"))
                    .containsExactly("org_dyn:O", "project_outbox:O");
            assertThat(rows(c, "select count(*) from declutter.trigger_effect")).containsExactly("0");
            // the application's own deletes still fire it
            st.execute("delete from project where id = 20");
            assertThat(rows(c, "select row_id from deleted_records")).containsExactly("20");
            st.execute("insert into project values (20, 2)");
            st.execute("delete from deleted_records");
        }
        Cli.Result verify = Cli.run("verify", "-j", job.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("OK:").doesNotContain("PROBLEM").doesNotContain("NOTE");
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        assertThat(sums(db)).isEqualTo(before);
    }

    @Test
    void anUnknownTriggerNameInTheJobIsABadInputAndChangesNothing() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = job(db, "triggers:\n  disable: [project_outbx]\n");
        Map<String, Checksums.Sum> before = sums(db);
        for (String command : List.of("plan", "deploy")) {
            Cli.Result r = Cli.run(command, "-j", job.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("'triggers.disable' names project_outbx, which is not a trigger on a table"
                    + " this job purges; the triggers on purged tables that fire on DELETE are public.org.org_dyn,"
                    + " public.project.project_outbox");
        }
        // run executes what deploy installed: nothing was
        assertThat(Cli.run("run", "-j", job.toString()).exitCode()).isEqualTo(2);
        assertThat(sums(db)).isEqualTo(before);
        try (Connection c = db.connect()) {
            assertThat(rows(c, "select nspname from pg_namespace where nspname = 'declutter'")).isEmpty();
        }
    }

    private Path job(ScratchDatabase db, String extra) throws Exception {
        return JobFiles.write(dir, "org_purge.yaml", """
                job: org_purge
                root:
                  table: public.org
                  where: "id = 1"
                """ + extra, db.url());
    }

    private static Map<String, Checksums.Sum> sums(ScratchDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return Checksums.of(c, TABLES);
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
