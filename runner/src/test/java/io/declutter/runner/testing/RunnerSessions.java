package io.declutter.runner.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * The sessions of a runner in a child JVM, seen from the test's own sessions: the tests that kill a runner at a
 * chosen point (CrashResumeTest, ArchiveBeforeDeleteTest) hold it on a lock, find its backend, and wait for its
 * backends to be gone after the kill. The runner names its sessions 'declutter'; the test's are named apart.
 */
public final class RunnerSessions {

    /** application_name of the test's own sessions. */
    public static final String TEST_APP = "declutter-test";

    private static final String RUNNER_BACKENDS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            + " AND application_name = 'declutter' AND pid <> pg_backend_pid()";

    private RunnerSessions() {
    }

    /** A connection of the test itself, named apart from the runner's ('declutter') sessions. */
    public static Connection observer(DemoPurge db) throws SQLException {
        Connection c = db.connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET application_name = '" + TEST_APP + "'");
        }
        return c;
    }

    /** Waits until a backend of the runner waits for a lock; returns its pid. Fails if the runner ends first. */
    public static int awaitWaitingForLock(DemoPurge db, ChildCli run) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        try (Connection c = observer(db); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery(RUNNER_BACKENDS + " AND wait_event_type = 'Lock'")) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
                if (!run.isAlive()) {
                    throw new AssertionError(run + " ended before it waited for the lock: " + run.result());
                }
                assertThat(Instant.now()).as("%s waiting for the lock held by the test", run).isBefore(until);
                Thread.sleep(5);
            }
        }
    }

    /** Waits until a killed runner's backends are gone (the server notices the lost connection). */
    public static void awaitNone(DemoPurge db) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        try (Connection c = observer(db); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery(RUNNER_BACKENDS)) {
                    if (!rs.next()) {
                        return;
                    }
                }
                assertThat(Instant.now()).as("backends of a dead runner still there after 60 s").isBefore(until);
                Thread.sleep(20);
            }
        }
    }

    /** The statement backend {@code pid} is running (or ran last). */
    public static String query(Connection c, int pid) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT query FROM pg_stat_activity WHERE pid = " + pid)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }
}
