package io.declutter.runner.jobs;

import io.declutter.localdb.ScratchDatabase;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VACUUM (ANALYZE) after a complete run visits the tables the run deleted rows from and no other closure table
 * (docs/design.md#locks-and-timeouts): a small purge of a wide schema deletes from few of them.
 */
class VacuumAfterRunTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("vacrun");

    @Test
    void onlyTheTablesThatLostRowsAreVacuumed() throws Exception {
        ScratchDatabase db = databases.load("""
                create table org (id bigint primary key, name text not null);
                create table item (id bigint primary key, org_id bigint not null references org(id));
                create table note (id bigint primary key, org_id bigint not null references org(id));
                create index on item (org_id);
                create index on note (org_id);
                insert into org values (1, 'gone'), (2, 'kept');
                insert into item select g, 1 + g % 2 from generate_series(1, 100) g;
                insert into note select g, 2 from generate_series(1, 10) g;
                """);
        Path job = JobFiles.write(dir, "vacrun.yaml", """
                job: vacrun
                root:
                  table: public.org
                  where: "name = 'gone'"
                rehearse: false
                """, db.url());
        Cli.ok(Cli.run("deploy", "-j", job.toString()));

        Cli.Result r = Cli.run("run", "-j", job.toString());
        Cli.ok(r);
        assertThat(r.out()).as(r.toString()).contains("VACUUM (ANALYZE) done on 2 tables; not visited: 1 closure"
                + " table that lost no row in run 1");
        try (Connection c = db.connect()) {
            assertThat(vacuumed(c, "org")).isTrue();
            assertThat(vacuumed(c, "item")).isTrue();
            assertThat(vacuumed(c, "note")).as("note lost no row").isFalse();
        }
    }

    /** The org/item schema of the tests: org 1 goes with its 50 items; a table "go" lets the canary go. */
    private ScratchDatabase throttledDatabase() throws Exception {
        return databases.load("""
                create table org (id bigint primary key, name text not null);
                create table item (id bigint primary key, org_id bigint not null references org(id));
                create index on item (org_id);
                insert into org values (1, 'gone'), (2, 'kept');
                insert into item select g, 1 + g % 2 from generate_series(1, 100) g;
                create table go (ok boolean);
                """);
    }

    /**
     * A job whose canary turns slow (over its limit) once the run is done and until a row is in "go": the purge never
     * holds, the VACUUM after it does.
     */
    private Path throttledJob(ScratchDatabase db) throws Exception {
        return JobFiles.write(dir, "vacthrottle.yaml", """
                job: vacthrottle
                root:
                  table: public.org
                  where: "name = 'gone'"
                rehearse: false
                throttle:
                  canary:
                    sql: "select pg_sleep(case when exists (select 1 from declutter.run where status = 'done') and not exists (select 1 from public.go) then 0.6 else 0 end)"
                    maxLatency: 300ms
                """, db.url());
    }

    @Test
    void theVacuumWaitsWhileASignalSaysHold() throws Exception {
        ScratchDatabase db = throttledDatabase();
        Path job = throttledJob(db);
        Cli.ok(Cli.run("deploy", "-j", job.toString()));

        java.util.concurrent.CompletableFuture<Cli.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Cli.run("run", "-j", job.toString()));
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (int i = 0; i < 600 && !value(st, "select exists (select 1 from declutter.run where status = 'done')");
                 i++) {
                Thread.sleep(100);
            }
            Thread.sleep(2000); // several readings of the canary, all over its limit
            assertThat(run).as("the runner waits before the first table's VACUUM").isNotDone();
            assertThat(vacuumed(c, "org", 1)).as("org is not vacuumed while the canary says hold").isFalse();
            assertThat(vacuumed(c, "item", 1)).as("item is not vacuumed while the canary says hold").isFalse();
            st.execute("insert into go values (true)");
            Cli.Result r = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            Cli.ok(r);
            assertThat(r.out()).as(r.toString()).contains("VACUUM holding before public.")
                    .contains("canary query took").contains("VACUUM (ANALYZE) done on 2 tables")
                    .doesNotContain("left to autovacuum");
            assertThat(vacuumed(c, "org")).isTrue();
            assertThat(vacuumed(c, "item")).isTrue();
        }
    }

    @Test
    void theWindowsEndWhileHoldingLeavesTheTablesToAutovacuum() throws Exception {
        ScratchDatabase db = throttledDatabase();
        Path job = throttledJob(db);
        Cli.ok(Cli.run("deploy", "-j", job.toString()));

        Cli.Result r = Cli.run("run", "-j", job.toString(), "--max-duration", "15s");
        Cli.ok(r);
        assertThat(r.out()).as(r.toString()).contains("run 1 is done").contains("VACUUM holding before public.")
                .contains("VACUUM (ANALYZE) done on 0 tables; 2 tables left to autovacuum: the health signals said"
                        + " hold until the window ended");
        try (Connection c = db.connect()) {
            assertThat(vacuumed(c, "org", 5)).isFalse();
            assertThat(vacuumed(c, "item", 5)).isFalse();
        }
        Cli.ok(Cli.run("verify", "-j", job.toString()));
    }

    private static boolean vacuumed(Connection c, String table) throws Exception {
        return vacuumed(c, table, 50);
    }

    private static boolean vacuumed(Connection c, String table, int tries) throws Exception {
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < tries; i++) { // statistics reach the view within a second or so
                st.execute("select pg_stat_clear_snapshot()");
                if (value(st, "select last_vacuum is not null from pg_stat_user_tables where relid = 'public."
                        + table + "'::regclass")) {
                    return true;
                }
                Thread.sleep(100);
            }
            return false;
        }
    }

    private static boolean value(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getBoolean(1);
        }
    }
}
