package io.declutter.runner.hard;

import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.RoundTrip;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Trees through a NOT NULL self-reference: deleted children first, whatever the batch size and depth. */
class TreesTest {

    private static final String TREE = """
            CREATE SCHEMA tr;
            CREATE TABLE tr.orgs (id int PRIMARY KEY, closed boolean NOT NULL);
            CREATE TABLE tr.nodes (id int PRIMARY KEY, org_id int NOT NULL REFERENCES tr.orgs,
                                   parent_id int NOT NULL CONSTRAINT nodes_parent_fk REFERENCES tr.nodes);
            CREATE INDEX ON tr.nodes (parent_id);
            CREATE TABLE tr.notes (id int PRIMARY KEY, node_id int NOT NULL REFERENCES tr.nodes);
            INSERT INTO tr.orgs SELECT g, g % 2 = 0 FROM generate_series(1, 6) g;
            -- roots point at themselves; then a bushy layer; then a 150-deep chain under one root of org 2
            INSERT INTO tr.nodes SELECT g, g, g FROM generate_series(1, 6) g;
            INSERT INTO tr.nodes SELECT g, 1 + g % 6, 1 + g % 6 FROM generate_series(7, 300) g;
            INSERT INTO tr.nodes SELECT g, 2, CASE WHEN g = 1001 THEN 2 ELSE g - 1 END FROM generate_series(1001, 1150) g;
            -- a subtree of org 3 (kept) hangs under a node of org 4 (purged): it is purged with it
            INSERT INTO tr.nodes SELECT g, 3, 7 FROM generate_series(2001, 2010) g;
            INSERT INTO tr.notes SELECT g, 1 + g % 300 FROM generate_series(1, 600) g;
            INSERT INTO tr.notes SELECT 1000 + g, 1000 + g FROM generate_series(1, 150) g;
            """;

    @TempDir
    Path dir;

    private ScratchDatabase db;

    @AfterEach
    void drop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private void load() throws Exception {
        db = TestDatabase.fresh("trees");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, TREE);
        }
    }

    @Test
    void aNotNullTreeIsPurgedChildrenFirstAndRolledBack() throws Exception {
        load();
        ClosureOracle.Closure closure = RoundTrip.check(db, dir, "trees", "tr.orgs", "closed", 7, "");
        assertThat(closure.count("tr.nodes")).isEqualTo(150 + 3 + 147 + 10);
    }

    @Test
    void lateChildrenThroughTheNotNullSelfReferenceAreCaughtUpBeforeTheirParents() throws Exception {
        load();
        Path job = JobFiles.write(dir, "late.yaml", "job: late\nroot:\n  table: tr.orgs\n  where: \"closed\"\n", db.url());
        assertThat(Cli.run("deploy", "-j", job.toString()).exitCode()).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            JobProcedures procs = new PostgresJobProcedures(c, "late", "declutter");
            long run = procs.beginRun(Optional.empty(), 5);
            String phase;
            do {
                phase = procs.step(run, 5).phase();
            } while (phase.equals("cache"));
            // Mid-delete of tr.nodes (deepest first), an application adds a chain under the shallowest purged node
            // and a note on the new leaf: none of them is in the backup yet.
            st.execute("INSERT INTO tr.nodes VALUES (5001, 2, 2), (5002, 2, 5001), (5003, 2, 5002)");
            st.execute("INSERT INTO tr.notes VALUES (9001, 5003)");
            while (!(phase = procs.step(run, 5).phase()).equals("done")) {
                assertThat(phase).isNotEqualTo("failed");
            }
            assertThat(scalar(st, "SELECT count(*) FROM tr.nodes WHERE id > 5000")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM tr.notes WHERE id = 9001")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM tr.nodes WHERE org_id % 2 = 0 AND id < 2000")).isZero();
            assertThat(scalar(st, "SELECT coalesce(sum(rows), 0) FROM declutter.log WHERE action = 'catch-up'"))
                    .isEqualTo(4);
            assertThat(scalar(st, "SELECT count(*) FROM declutter.log WHERE action = 'error'")).isZero();
        }
        assertThat(Cli.run("verify", "-j", job.toString()).exitCode()).isZero();
        assertThat(Cli.run("rollback", "-j", job.toString(), "--run", "1").exitCode()).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT count(*) FROM tr.nodes WHERE id > 5000")).isEqualTo(3);
            assertThat(scalar(st, "SELECT count(*) FROM tr.notes WHERE id = 9001")).isEqualTo(1);
        }
    }

    private static long scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Archived before delete: the tree's cache rewrites its backup in depth order, and the archive follows. */
    @Test
    void aNotNullTreeArchivedUnitByUnitIsRestoredFromTheArchive() throws Exception {
        load();
        RoundTrip.checkArchived(db, dir, "trees", "tr.orgs", "closed", 7, List.of("tr.orgs", "tr.nodes", "tr.notes"));
    }
}
