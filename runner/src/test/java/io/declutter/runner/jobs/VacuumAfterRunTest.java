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

    private static boolean vacuumed(Connection c, String table) throws Exception {
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < 50; i++) { // statistics reach the view within a second or so
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
