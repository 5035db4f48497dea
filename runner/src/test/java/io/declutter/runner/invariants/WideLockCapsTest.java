package io.declutter.runner.invariants;

import io.declutter.dialect.JobProcedures;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.localdb.WideSchema;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The purge of one small tenant of the wide schema ({@link WideSchema}: 1,000 tables, 3,000 foreign keys, tenant 1
 * in most of its 900 closure tables) on the test server as it is configured (PostgreSQL's default
 * {@code max_locks_per_transaction}), with a batch size far above the tenant's rows, so that only the caps end a call
 * early (docs/design.md#delete-batches): a cache call caches through at most 64 edges, a step call deletes from at
 * most 32 tables; a call that took them all would hold the locks of hundreds of tables at once, and PostgreSQL's lock
 * table is shared by every session ("out of shared memory"). The purge still removes the tenant and nothing else.
 */
class WideLockCapsTest {

    private static final String JOB = "wide_purge";
    private static final int BATCH = 1_000_000;

    private static final WideSchema SCHEMA = new WideSchema(42);
    private static ScratchDatabase db;
    private static long rowsBefore;

    @TempDir
    static Path work;

    @BeforeAll
    static void setUp() throws Exception {
        db = TestDatabase.fresh("wide_caps");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String ddl : SCHEMA.ddl()) {
                st.execute(ddl);
            }
            for (String load : SCHEMA.loadStatements()) {
                st.execute(load);
            }
            st.execute("ANALYZE");
        }
        try (Connection c = db.connect()) {
            rowsBefore = SCHEMA.rowsIn(c);
        }
        Path job = JobFiles.write(work, JOB + ".yaml", "job: " + JOB + "\nroot:\n  table: " + WideSchema.ROOT
                + "\n  where: \"" + WideSchema.PREDICATE + "\"\nbatchSize: " + BATCH + "\nrehearse: false\n", db.url());
        Path generated = work.resolve("generated");
        Cli.ok(Cli.run("generate", "-j", job.toString(), "-o", generated.toString()));
        Cli.ok(Cli.run("deploy", "-j", job.toString(), "--dir", generated.toString()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void callsStopAtTheLockCapsAndThePurgeIsComplete() throws Exception {
        try (Connection runner = db.connect(); Connection observer = db.connect()) {
            JobProcedures procs = new PostgresJobProcedures(runner, JOB, "declutter");
            long run = procs.beginRun(Optional.empty(), BATCH);
            long lastLog = 0;
            int calls = 0;
            JobProcedures.Step step;
            do {
                step = procs.step(run, BATCH);
                calls++;
                assertThat(calls).as("calls of the step procedure").isLessThan(2_000);
                long[] counts = new long[3];
                try (PreparedStatement ps = observer.prepareStatement("SELECT coalesce(max(log_id), ?),"
                        + " count(*) FILTER (WHERE action = 'cache' AND rows > 0),"
                        + " count(DISTINCT table_name) FILTER (WHERE action = 'delete' AND rows > 0)"
                        + " FROM declutter.log WHERE run_id = ? AND log_id > ?")) {
                    ps.setLong(1, lastLog);
                    ps.setLong(2, run);
                    ps.setLong(3, lastLog);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        counts[0] = rs.getLong(1);
                        counts[1] = rs.getLong(2);
                        counts[2] = rs.getLong(3);
                    }
                }
                lastLog = counts[0];
                assertThat(counts[1]).as("edges that cached rows in call %d", calls).isLessThanOrEqualTo(64);
                assertThat(counts[2]).as("tables that lost rows in call %d", calls).isLessThanOrEqualTo(32);
            } while (!step.phase().equals("done"));

            assertThat(procs.runInfo(run).status()).isEqualTo("done");
        }
        try (Connection c = db.connect()) {
            assertThat(SCHEMA.purgedTenantRowsLeft(c)).as("rows of the purged tenant left").isZero();
            assertThat(rowsBefore - SCHEMA.rowsIn(c)).as("rows deleted").isEqualTo(SCHEMA.purgedRows());
        }
    }
}
