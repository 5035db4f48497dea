package io.declutter.runner.hard;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.RoundTrip;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ON DELETE SET NULL and SET DEFAULT edges keep their real semantics: the child rows outside the closure
 * stay, with the columns reset by the database, and rollback writes the old values back. Tickets of closed
 * accounts are in the closure and may be assigned to agents of other closed accounts, so rollback restores
 * them before their assignee exists: those columns come back null first and are re-set at the end.
 */
class SetNullTest {

    @TempDir
    static Path dir;

    private static final String SCHEMA = """
                    CREATE SCHEMA s;
                    CREATE TABLE s.accounts (id int PRIMARY KEY, closed boolean NOT NULL);
                    CREATE TABLE s.agents (id int PRIMARY KEY, account_id int NOT NULL REFERENCES s.accounts);
                    CREATE TABLE s.tickets (
                        id int PRIMARY KEY,
                        account_id int NOT NULL REFERENCES s.accounts,
                        assignee_id int CONSTRAINT tickets_assignee_fk REFERENCES s.agents ON DELETE SET NULL);
                    CREATE TABLE s.escalations (
                        id int PRIMARY KEY,
                        ticket_id int NOT NULL REFERENCES s.tickets,
                        agent_id int NOT NULL DEFAULT 0 CONSTRAINT escalations_agent_fk REFERENCES s.agents ON DELETE SET DEFAULT);
                    INSERT INTO s.accounts SELECT g, g % 3 = 0 FROM generate_series(0, 8) g;
                    UPDATE s.accounts SET closed = false WHERE id = 0;     -- agent 0 (the default) must survive
                    INSERT INTO s.agents SELECT g, g % 9 FROM generate_series(0, 44) g;
                    -- assignees are agents of the next account: purged accounts' tickets point across accounts
                    INSERT INTO s.tickets SELECT g, g % 9, (g * 5 + 1) % 45 FROM generate_series(1, 300) g;
                    UPDATE s.tickets SET assignee_id = NULL WHERE id % 10 = 0;
                    INSERT INTO s.escalations SELECT g, 1 + g % 300, (g * 7 + 2) % 45 FROM generate_series(1, 200) g;
                    """;

    private static ScratchDatabase db;

    @BeforeAll
    static void load() throws SQLException {
        db = TestDatabase.fresh("set_null");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, SCHEMA);
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        db.close();
    }

    @Test
    void childrenOutsideTheClosureAreResetThenRestoredByRollback() throws Exception {
        Path job = JobFiles.write(dir, "accounts.yaml",
                "job: accounts\nroot:\n  table: s.accounts\n  where: \"closed\"\nbatchSize: 9\n", db.url());
        List<String> tables = List.of("s.accounts", "s.agents", "s.escalations", "s.tickets");
        Map<String, Checksums.Sum> before;
        long keptTickets;
        long keptTicketsOnPurgedAgents;
        long keptEscalationsOnPurgedAgents;
        try (Connection c = db.connect()) {
            before = Checksums.of(c, tables);
            keptTickets = scalar(c, "SELECT count(*) FROM s.tickets t JOIN s.accounts a ON a.id = t.account_id WHERE NOT a.closed");
            keptTicketsOnPurgedAgents = scalar(c, "SELECT count(*) FROM s.tickets t JOIN s.accounts a ON a.id = t.account_id"
                    + " JOIN s.agents g ON g.id = t.assignee_id JOIN s.accounts ga ON ga.id = g.account_id"
                    + " WHERE NOT a.closed AND ga.closed");
            keptEscalationsOnPurgedAgents = scalar(c, "SELECT count(*) FROM s.escalations e JOIN s.tickets t ON t.id = e.ticket_id"
                    + " JOIN s.accounts a ON a.id = t.account_id JOIN s.agents g ON g.id = e.agent_id"
                    + " JOIN s.accounts ga ON ga.id = g.account_id WHERE NOT a.closed AND ga.closed");
        }
        assertThat(keptTicketsOnPurgedAgents).isPositive();
        assertThat(keptEscalationsOnPurgedAgents).isPositive();

        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("set null");
        assertThat(Cli.run("deploy", "-j", job.toString()).exitCode()).isZero();
        Cli.Result run = Cli.run("run", "-j", job.toString(), "--no-vacuum");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        try (Connection c = db.connect()) {
            assertThat(scalar(c, "SELECT count(*) FROM s.accounts WHERE closed")).isZero();
            assertThat(scalar(c, "SELECT count(*) FROM s.tickets")).as("tickets of open accounts stay").isEqualTo(keptTickets);
            assertThat(scalar(c, "SELECT count(*) FROM s.tickets t WHERE t.assignee_id IS NULL AND t.id % 10 <> 0"))
                    .as("tickets whose assignee was purged are unassigned").isEqualTo(keptTicketsOnPurgedAgents);
            assertThat(scalar(c, "SELECT count(*) FROM s.escalations WHERE agent_id = 0 AND (id * 7 + 2) % 45 <> 0"))
                    .as("escalations of purged agents fall back to the default agent").isEqualTo(keptEscalationsOnPurgedAgents);
            assertThat(scalar(c, "SELECT rows_cached FROM declutter.control WHERE job = 'accounts'"
                    + " AND constraint_name = 'tickets_assignee_fk'")).isGreaterThanOrEqualTo(keptTicketsOnPurgedAgents);
        }
        assertThat(Cli.run("verify", "-j", job.toString()).exitCode()).isZero();

        Cli.Result rollback = Cli.run("rollback", "-j", job.toString(), "--run", "1");
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables)).isEqualTo(before);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Archived before delete: the values SET NULL resets are archived with the rows, and restored from the archive. */
    @Test
    void setNullValuesArchivedUnitByUnitAreRestoredFromTheArchive(@TempDir Path own) throws Exception {
        try (ScratchDatabase fresh = TestDatabase.fresh("set_null_archive")) {
            try (Connection c = fresh.connect()) {
                SqlScripts.run(c, SCHEMA);
            }
            RoundTrip.checkArchived(fresh, own, "accounts", "s.accounts", "closed", 9,
                    List.of("s.accounts", "s.agents", "s.escalations", "s.tickets"));
        }
    }
}
