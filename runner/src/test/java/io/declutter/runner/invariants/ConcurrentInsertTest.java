package io.declutter.runner.invariants;

import io.declutter.localdb.ScratchDatabase;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 5 (docs/design.md#invariants): an application that keeps inserting children of purged rows while the purge
 * runs never makes it fail and never leaves an orphan. The late rows are caught up (backed up, then deleted before
 * their parents), counted in the log, and restored by a rollback like any other purged row.
 */
class ConcurrentInsertTest {

    @TempDir
    static Path dir;

    private static ScratchDatabase db;

    @BeforeAll
    static void load() throws SQLException {
        db = TestDatabase.freshDemo("concurrent");
    }

    @AfterAll
    static void drop() throws SQLException {
        db.close();
    }

    @Test
    void lateChildrenAreCaughtUpAndTheRunNeverFails() throws Exception {
        Path job = JobFiles.demoJob(dir, db.url());
        assertThat(Cli.run("deploy", "-j", job.toString()).exitCode()).isZero();

        AtomicBoolean stop = new AtomicBoolean();
        List<Long> lateEvents = new ArrayList<>();
        List<Long> lateKeys = new ArrayList<>();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(stop, lateEvents, lateKeys));
        Cli.Result run;
        try {
            run = Cli.run("run", "-j", job.toString(), "--batch-size", "150", "--no-vacuum");
        } finally {
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS);
        }
        assertThat(run.exitCode()).as(run.toString()).isZero();

        try (Connection c = db.connect()) {
            assertThat(scalar(c, "SELECT count(*) FROM app.tenants WHERE id % 5 = 0")).isZero();
            assertThat(scalar(c, "SELECT count(*) FROM app.audit_events WHERE tenant_id % 5 = 0")).isZero();
            assertThat(scalar(c, "SELECT count(*) FROM app.users WHERE tenant_id % 5 = 0")).isZero();
            assertThat(scalar(c, "SELECT count(*) FROM app.api_keys k JOIN app.users u ON u.id = k.user_id"
                    + " WHERE u.tenant_id % 5 = 0")).isZero();
            assertThat(scalar(c, "SELECT coalesce(sum(rows), 0) FROM declutter.log WHERE action = 'catch-up'"))
                    .as("late rows were caught up (the writer inserted %d events)", lateEvents.size()).isPositive();
            assertThat(scalar(c, "SELECT count(*) FROM declutter.log WHERE action = 'error'")).isZero();
        }
        assertThat(Cli.run("verify", "-j", job.toString()).exitCode()).isZero();

        // Every late row the writer committed was purged with a backup: the rollback brings it back.
        assertThat(Cli.run("rollback", "-j", job.toString(), "--run", "1").exitCode()).isZero();
        try (Connection c = db.connect()) {
            assertThat(scalar(c, "SELECT count(*) FROM app.audit_events WHERE id = ANY ('" + array(lateEvents) + "')"))
                    .isEqualTo(lateEvents.size());
            assertThat(scalar(c, "SELECT count(*) FROM app.api_keys WHERE id = ANY ('" + array(lateKeys) + "')"))
                    .isEqualTo(lateKeys.size());
        }
    }

    /** Inserts audit events of purged tenants, and new users with an API key, until stopped. */
    private static void write(AtomicBoolean stop, List<Long> lateEvents, List<Long> lateKeys) {
        try (Connection c = db.connect()) {
            int i = 0;
            while (!stop.get()) {
                int tenant = 5 * (1 + i % 8);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO app.audit_events (tenant_id, action, payload,"
                        + " occurred_at) VALUES (?, 'late.write', '{}', now()) RETURNING id")) {
                    ps.setInt(1, tenant);
                    lateEvents.add(single(ps));
                } catch (SQLException e) {
                    requireForeignKeyViolation(e);
                }
                try {
                    c.setAutoCommit(false);
                    long user;
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO app.users (tenant_id, email, display_name,"
                            + " is_admin, created_at) VALUES (?, ?, 'late', false, now()) RETURNING id")) {
                        ps.setInt(1, tenant);
                        ps.setString(2, "late" + i + "@example.com");
                        user = single(ps);
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO app.api_keys (user_id, key_hash, label,"
                            + " created_at) VALUES (?, md5(random()::text), 'late', now()) RETURNING id")) {
                        ps.setLong(1, user);
                        long key = single(ps);
                        c.commit();
                        lateKeys.add(key);
                    }
                } catch (SQLException e) {
                    c.rollback();
                    requireForeignKeyViolation(e);
                } finally {
                    c.setAutoCommit(true);
                }
                i++;
                Thread.sleep(5);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireForeignKeyViolation(SQLException e) throws SQLException {
        if (!"23503".equals(e.getSQLState())) {
            throw e; // only "the tenant is already gone" is an expected refusal
        }
    }

    private static long single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String array(List<Long> ids) {
        return "{" + String.join(",", ids.stream().map(String::valueOf).toList()) + "}";
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
