package io.declutter.runner.hard;

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
import java.util.ArrayList;
import java.util.List;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup table vacuumed while empty (autovacuum after {@code expire}, or a DBA's database-wide VACUUM before the
 * first run) has statistics saying it is empty. The cache statement's anti-join on it (a row reached by two paths is
 * stored once) was then planned as a nested loop whose inner sequential scan re-read, for every candidate row, the
 * pages the same INSERT had written so far: quadratic (docs/design.md#cache). The test counts the heap pages the run
 * reads in that backup table, which no longer grow with the square of the rows cached.
 */
class CacheOfVacuumedBackupTest {

    private static final int ROWS = 20_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final FreshDatabases databases = new FreshDatabases("vacbk");

    @Test
    void aBackupTableVacuumedEmptyIsNotReadOncePerCachedRow() throws Exception {
        ScratchDatabase db = databases.load("""
                create table org (id bigint primary key, name text not null);
                create table item (id bigint primary key, org_id bigint not null references org(id), payload text);
                create index on item (org_id);
                insert into org values (1, 'gone'), (2, 'kept');
                insert into item select g, 1, repeat('p', 100) from generate_series(1, %d) g;
                insert into item select %d + g, 2, 'kept' from generate_series(1, 10) g;
                analyze;
                """.formatted(ROWS, ROWS));
        Path job = JobFiles.write(dir, "vacbk.yaml", """
                job: vacbk
                root:
                  table: public.org
                  where: "name = 'gone'"
                rehearse: false
                """, db.url());
        ok(Cli.run("deploy", "-j", job.toString()));

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            for (String table : backupTables(c)) {
                st.execute("VACUUM " + table); // empty: its statistics now say 0 rows in 0 pages
            }
            assertThat(value(c, "select reltuples from pg_class where oid = 'declutter.bk_vacbk_item'::regclass"))
                    .isEqualTo("0");
            st.execute("select pg_stat_reset_single_table_counters('declutter.bk_vacbk_item'::regclass)");
        }

        ok(Cli.run("run", "-j", job.toString(), "--no-vacuum"));

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(value(c, "select count(*) from item")).isEqualTo("10");
            assertThat(value(c, "select count(*) from declutter.bk_vacbk_item")).isEqualTo(Integer.toString(ROWS));
            long pagesRead = 0;
            for (int i = 0; i < 50 && pagesRead == 0; i++) { // statistics reach the views within a second or so
                Thread.sleep(200);
                st.execute("select pg_stat_clear_snapshot()");
                pagesRead = Long.parseLong(value(c, "select coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0)"
                        + " from pg_statio_user_tables where relid = 'declutter.bk_vacbk_item'::regclass"));
            }
            long pages = Long.parseLong(value(c, "select pg_relation_size('declutter.bk_vacbk_item') / 8192"));
            // Storing, deleting and verifying touch each backup row's page a few times: a handful of page reads per
            // row. The quadratic plan read about ROWS * pages / 2 (millions here).
            assertThat(pagesRead).as("heap pages of the backup table read by the run (%d pages, %d rows)", pages, ROWS)
                    .isPositive()
                    .isLessThan(10L * ROWS);
        }
    }

    private static List<String> backupTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select format('%I.%I', n.nspname,"
                + " c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname = 'declutter' and c.relkind = 'r' and c.relname like 'bk\\_%' order by 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
