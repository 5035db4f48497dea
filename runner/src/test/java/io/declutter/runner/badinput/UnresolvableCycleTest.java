package io.declutter.runner.badinput;

import io.declutter.runner.ExitCodes;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DatabaseState;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;

import static io.declutter.runner.badinput.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unresolvable cycles (docs/design.md#cycles) are bad input (docs/design.md#bad-input): a cycle that cannot be broken
 * (two tables referencing each other through NOT NULL foreign keys, or a NOT NULL self-reference) makes {@code plan},
 * {@code generate} and {@code deploy} refuse the job with exit 2, naming the cycle and the ways to resolve it, and
 * nothing changes. The same shapes with a nullable key, which can be broken, are accepted (so the refusals are about
 * the cycles, not about this schema).
 */
class UnresolvableCycleTest {

    private static final String SCHEMA = """
            CREATE SCHEMA cyc;
            -- Two tables referencing each other, both NOT NULL and not deferrable: no delete order exists.
            -- (The rows go in before the second key, which is then validated against them.)
            CREATE TABLE cyc.orders (
                id            int PRIMARY KEY,
                status        text NOT NULL,
                last_event_id int NOT NULL
            );
            CREATE TABLE cyc.order_events (
                id       int PRIMARY KEY,
                order_id int NOT NULL REFERENCES cyc.orders (id)
            );
            INSERT INTO cyc.orders VALUES (1, 'closed', 10), (2, 'open', 20);
            INSERT INTO cyc.order_events VALUES (10, 1), (20, 2);
            ALTER TABLE cyc.orders ADD CONSTRAINT fk_orders_last_event
                FOREIGN KEY (last_event_id) REFERENCES cyc.order_events (id);

            -- The same shape with one nullable key: a cycle declutter breaks itself.
            CREATE TABLE cyc.projects (
                id             int PRIMARY KEY,
                closed         boolean NOT NULL,
                lead_member_id int
            );
            CREATE TABLE cyc.members (
                id         int PRIMARY KEY,
                project_id int NOT NULL REFERENCES cyc.projects (id)
            );
            ALTER TABLE cyc.projects ADD CONSTRAINT fk_projects_lead
                FOREIGN KEY (lead_member_id) REFERENCES cyc.members (id);
            INSERT INTO cyc.projects VALUES (1, true, NULL), (2, false, NULL);
            INSERT INTO cyc.members VALUES (10, 1), (20, 2);
            UPDATE cyc.projects SET lead_member_id = id * 10;

            -- A tree whose parent is NOT NULL (the root points at itself): rows cannot be detached.
            CREATE TABLE cyc.nodes (
                id        int PRIMARY KEY,
                parent_id int NOT NULL,
                closed    boolean NOT NULL DEFAULT false,
                CONSTRAINT fk_nodes_parent FOREIGN KEY (parent_id) REFERENCES cyc.nodes (id)
            );
            INSERT INTO cyc.nodes VALUES (1, 1, true), (2, 1, true), (3, 2, true), (4, 4, false);

            -- The same tree with a nullable parent: a cycle declutter breaks itself.
            CREATE TABLE cyc.folders (
                id        int PRIMARY KEY,
                parent_id int REFERENCES cyc.folders (id),
                closed    boolean NOT NULL DEFAULT false
            );
            INSERT INTO cyc.folders VALUES (1, NULL, true), (2, 1, true), (3, 2, true), (4, NULL, false);
            """;

    private static ScratchDatabase db;
    private static DatabaseState pristine;

    @TempDir
    Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.fresh("cycles");
        try (Connection c = db.connect()) {
            SqlScripts.run(c, SCHEMA);
            pristine = DatabaseState.of(c);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void twoTablesReferencingEachOtherThroughNotNullKeysAreRefused() throws Exception {
        Path job = job("order_purge", "cyc.orders", "status = 'closed'");
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertRefused(plan, ExitCodes.BAD_INPUT, "job order_purge cannot run as defined", "ERROR lines above");
        assertThat(plan.out()).contains("ERROR", "cyc.order_events, cyc.orders", "fk_orders_last_event",
                "excluding one of these tables");
        Path out = work.resolve("orders-out");
        assertRefused(Cli.run("generate", "-j", job.toString(), "-o", out.toString()), ExitCodes.BAD_INPUT,
                "the tables cyc.order_events, cyc.orders reference each other in a cycle", "fk_orders_last_event",
                "no delete order exists", "making one of these foreign keys' columns nullable",
                "excluding one of these tables", "declutter plan shows the details");
        assertThat(out).doesNotExist();
        assertRefused(Cli.run("deploy", "-j", job.toString()), ExitCodes.BAD_INPUT,
                "reference each other in a cycle", "excluding one of these tables");
        assertUnchanged();
    }

    @Test
    void aNotNullSelfReferenceIsAcceptedAsATreeDeletedChildrenFirst() throws Exception {
        Path job = job("node_purge", "cyc.nodes", "closed");
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("INFO", "NOT NULL self-reference", "fk_nodes_parent", "children before");
        assertUnchanged();
    }

    @Test
    void aCycleThroughANullableForeignKeyIsAccepted() throws Exception {
        Path job = job("project_purge", "cyc.projects", "closed");
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        Path out = work.resolve("projects-out");
        Cli.Result generate = Cli.run("generate", "-j", job.toString(), "-o", out.toString());
        assertThat(generate.exitCode()).as(generate.toString()).isZero();
        assertUnchanged();
    }

    @Test
    void aNullableSelfReferenceIsAccepted() throws Exception {
        Path job = job("folder_purge", "cyc.folders", "closed");
        Cli.Result plan = Cli.run("plan", "-j", job.toString());
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        Path out = work.resolve("folders-out");
        Cli.Result generate = Cli.run("generate", "-j", job.toString(), "-o", out.toString());
        assertThat(generate.exitCode()).as(generate.toString()).isZero();
        assertThat(out.resolve("folder_purge/step.sql")).isRegularFile();
        try (Connection c = db.connect()) {
            assertThat(DatabaseState.of(c)).as("generate changes nothing either").isEqualTo(pristine);
        }
    }

    private Path job(String name, String table, String where) throws Exception {
        return JobFiles.write(work, name + ".yaml", "job: " + name + "\nroot:\n  table: " + table + "\n  where: \"" + where
                + "\"\n", db.url());
    }

    private static void assertUnchanged() throws Exception {
        try (Connection c = db.connect()) {
            assertThat(DatabaseState.of(c)).as("database state").isEqualTo(pristine);
        }
    }
}
