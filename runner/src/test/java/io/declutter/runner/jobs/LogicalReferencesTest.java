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
 * References the application keeps without a foreign key constraint, declared in the job file
 * (docs/design.md#logical-references): followed as a delete (backed up, deleted, verified, restored), set null
 * (recorded, reset by the batch, written back by rollback) or ignored.
 */
class LogicalReferencesTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("logical");

    private static final String SCHEMA = """
            create table org (id int primary key, closed boolean not null);
            create table docs (id int primary key, org_id int not null references org(id));
            create index on docs (org_id);
            -- no constraints: the application keeps these references itself
            create table comments (id int primary key, doc_ref int, body text);
            create index on comments (doc_ref);
            create table replies (id int primary key, comment_id int not null references comments(id), body text);
            create index on replies (comment_id);
            create table views (id int primary key, doc_ref int);
            insert into org values (1, true), (2, false);
            insert into docs values (10, 1), (11, 1), (20, 2);
            insert into comments values (100, 10, 'a'), (101, 11, 'b'), (200, 20, 'c'), (300, null, 'd');
            insert into replies values (1, 100, 'x'), (2, 200, 'y');
            insert into views values (1000, 10), (2000, 20);
            """;

    private static final List<String> TABLES = List.of("public.org", "public.docs", "public.comments",
            "public.replies", "public.views");

    private static final String JOB = """
            job: org_purge
            root:
              table: public.org
              where: "closed"
            references:
              - child: public.comments
                columns: [doc_ref]
                parent: public.docs
              - name: views_doc
                child: public.views
                columns: [doc_ref]
                parent: public.docs
                parentColumns: [id]
                onDelete: ignore
            batchSize: 1
            """;

    @Test
    void aDeclaredReferenceIsPurgedWithItsOwnClosureAndRestoredAndAnIgnoredOneStays() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB, db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, TABLES);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        ok(plan);
        assertThat(plan.out()).contains("public.comments (doc_ref) [logical reference]")
                .contains("logical reference ref_comments_doc_ref").contains("is followed as a delete")
                .contains("logical reference views_doc").contains("is ignored, as the job says")
                .contains("public.replies");

        ok(Cli.run("deploy", "-j", job.toString()));
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from docs")).containsExactly("20");
            assertThat(ids(c, "select id from comments")).containsExactly("200", "300");
            assertThat(ids(c, "select id from replies")).containsExactly("2");
            assertThat(ids(c, "select id from views")).as("ignored: the rows stay").containsExactly("1000", "2000");
            assertThat(ids(c, "select id from declutter.bk_org_purge_comments")).containsExactly("100", "101");
            assertThat(ids(c, "select id from declutter.bk_org_purge_replies")).containsExactly("1");
        }
        Cli.Result verify = Cli.run("verify", "-j", job.toString());
        ok(verify);
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, TABLES)).isEqualTo(before);
        }
    }

    @Test
    void aReferenceToAColumnThatDoesNotExistIsBadInput() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", JOB.replace("columns: [doc_ref]\n    parent: public.docs\n  - name",
                "columns: [document_id]\n    parent: public.docs\n  - name"), db.url());
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.err()).contains("logical reference ref_comments_document_id")
                .contains("public.comments has no column document_id");

        Path bad = JobFiles.write(dir, "bad.yaml", JOB.replace("onDelete: ignore", "onDelete: cascade"), db.url());
        Cli.Result refused = Cli.run("plan", "-j", bad.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("onDelete 'cascade'").contains("'delete'").contains("'set null'")
                .contains("'ignore'");
    }

    private static final String SET_NULL_JOB = JOB.replace("onDelete: ignore", "onDelete: set null");

    @Test
    void aSetNullReferenceResetsItsRowsInTheBatchThatDeletesTheirParentAndRollbackWritesThemBack() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA + """
                -- a second set-null reference into the same docs
                create table links (id int primary key, doc_ref int, note text);
                insert into links values (1, 10, 'gone'), (2, 11, 'gone'), (3, 20, 'stays'), (4, null, 'none');
                """);
        List<String> tables = new java.util.ArrayList<>(TABLES);
        tables.add("public.links");
        Path job = JobFiles.write(dir, "org_purge.yaml", SET_NULL_JOB.replace("batchSize: 1", """
                  - name: links_doc
                    child: public.links
                    columns: [doc_ref]
                    parent: public.docs
                    onDelete: set null
                batchSize: 1""".stripIndent()), db.url());
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
        }
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        ok(plan);
        assertThat(plan.out()).contains("logical reference views_doc").contains("is set null, as the job says");

        ok(Cli.run("deploy", "-j", job.toString()));
        try (Connection c = db.connect()) {
            // a row arriving after deploy, before the run: recorded by the cache and reset like the others
            c.createStatement().execute("insert into views values (1001, 11)");
        }
        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id from docs")).containsExactly("20");
            assertThat(ids(c, "select id || ':' || coalesce(doc_ref::text, 'null') from views"))
                    .as("the rows stay, their reference to a purged doc set to NULL")
                    .containsExactly("1000:null", "1001:null", "2000:20");
            assertThat(ids(c, "select id || ':' || coalesce(doc_ref::text, 'null') from links"))
                    .containsExactly("1:null", "2:null", "3:20", "4:null");
            assertThat(ids(c, "select id || ':' || doc_ref from declutter.bk_org_purge_views_views_doc"))
                    .as("the old values are recorded").containsExactly("1000:10", "1001:11");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            c.createStatement().execute("delete from views where id = 1001");
            assertThat(Checksums.of(c, tables)).isEqualTo(before);
        }
    }

    @Test
    void aSetNullReferenceOnANotNullColumnIsRefusedByPlan() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA + "alter table views alter column doc_ref set not null;");
        Path job = JobFiles.write(dir, "org_purge.yaml", SET_NULL_JOB, db.url());
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.out() + plan.err()).contains("views_doc").contains("'onDelete: set null'")
                .contains("doc_ref is NOT NULL");
    }

    /**
     * A row inserted after the cache under a parent about to be purged, through a set-null reference: the catch-up
     * before its parent's batch records it, and the batch sets it to NULL (docs/design.md#logical-references).
     */
    @Test
    void aSetNullRowArrivingAfterTheCacheIsCaughtUpRecordedAndReset() throws Exception {
        ScratchDatabase db = databases.load(SCHEMA);
        Path job = JobFiles.write(dir, "org_purge.yaml", SET_NULL_JOB, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));
        try (Connection runner = db.connect(); Connection app = db.connect()) {
            UnitByUnit run = UnitByUnit.begin(runner, "org_purge").pastTheCache();
            app.createStatement().execute("insert into views values (1002, 11)");
            assertThat(ids(runner, "select count(*) from declutter.bk_org_purge_views_views_doc where id = 1002"))
                    .as("not cached").containsExactly("0");
            run.toTheEnd();
            assertThat(ids(runner, "select id || ':' || coalesce(doc_ref::text, 'null') from views"))
                    .containsExactly("1000:null", "1002:null", "2000:20");
            assertThat(ids(runner, "select id || ':' || doc_ref from declutter.bk_org_purge_views_views_doc"))
                    .as("recorded by the catch-up").containsExactly("1000:10", "1002:11");
        }
        ok(Cli.run("verify", "-j", job.toString()));
        ok(Cli.run("rollback", "-j", job.toString(), "--run", "1"));
        try (Connection c = db.connect()) {
            assertThat(ids(c, "select id || ':' || coalesce(doc_ref::text, 'null') from views"))
                    .containsExactly("1000:10", "1002:11", "2000:20");
        }
    }
}
