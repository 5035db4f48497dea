package io.declutter.runner.badinput;

import io.declutter.runner.ExitCodes;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DatabaseState;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.declutter.runner.badinput.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input (docs/design.md#bad-input): runtime commands on a database that is not ready for them: {@code run} (and
 * status, verify, rollback, stop) before anything is deployed, or before this job is deployed; and {@code status},
 * {@code verify} and {@code rollback} with a run id that does not exist, or that belongs to another job. Each exits 2
 * with a message that says what is missing and what to do, and nothing changes: no schema is created, no run row is
 * added, every table keeps its content. The tests build on each other (ordered): undeployed, then deployed, then with
 * runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnknownRunAndUndeployedJobTest {

    private static final List<String> RUNTIME_COMMANDS = List.of("run", "status", "verify", "rollback", "stop");

    private static ScratchDatabase db;
    private static Path jobs;
    private static Path job;
    private static Path otherJob;

    @TempDir
    static Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.freshDemo("run_state");
        jobs = Files.createDirectories(work.resolve("jobs"));
        job = JobFiles.demoJob(jobs, db.url());
        // A second job on the same root that selects no rows: deployed and run, it owns run ids of its own.
        otherJob = JobFiles.write(jobs, "other.yaml", "job: other_purge\nroot:\n  table: app.tenants\n  where: \"id < 0\"\n",
                db.url());
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    @Order(1)
    void runtimeCommandsBeforeDeployAreRefused() throws Exception {
        DatabaseState before = state();
        for (String command : RUNTIME_COMMANDS) {
            assertRefused(Cli.run(runtimeArgs(command)), ExitCodes.BAD_INPUT,
                    "declutter is not deployed in this database", "run 'declutter deploy' first");
        }
        DatabaseState after = state();
        assertThat(after.hasSchema("declutter")).as("a declutter schema").isFalse();
        assertThat(after).as("database state").isEqualTo(before);
    }

    @Test
    @Order(2)
    void runBeforeThisJobIsDeployedIsRefused() throws Exception {
        Cli.Result deployOther = Cli.run("deploy", "-j", otherJob.toString());
        assertThat(deployOther.exitCode()).as(deployOther.toString()).isZero();
        DatabaseState before = state();
        assertThat(before.hasSchema("declutter")).isTrue();
        for (String command : RUNTIME_COMMANDS) {
            assertRefused(Cli.run(runtimeArgs(command)), ExitCodes.BAD_INPUT,
                    "job tenant_purge is not deployed in this database", "run 'declutter deploy' first");
        }
        assertThat(runRows()).as("run rows").isZero();
        assertThat(state()).as("database state").isEqualTo(before);
    }

    @Test
    @Order(3)
    void runIdThatDoesNotExist() throws Exception {
        Cli.Result deploy = Cli.run("deploy", "-j", job.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        DatabaseState before = state();
        // Never ran: status and verify, which default to the latest run, say so.
        assertRefused(Cli.run("status", "-j", job.toString()), ExitCodes.BAD_INPUT, "job tenant_purge has never run");
        assertRefused(Cli.run("verify", "-j", job.toString()), ExitCodes.BAD_INPUT, "job tenant_purge has never run");
        assertRefused(Cli.run("rollback", "-j", job.toString()), ExitCodes.BAD_INPUT, "give the run with --run N");
        assertUnknownRun("999");
        assertThat(runRows()).as("run rows").isZero();
        assertThat(state()).as("database state").isEqualTo(before);
    }

    @Test
    @Order(4)
    void runIdThatDoesNotExistAfterRealRuns() throws Exception {
        Cli.Result other = Cli.run("run", "-j", otherJob.toString(), "--ignore-window");
        assertThat(other.exitCode()).as(other.toString()).isZero();
        Cli.Result purge = Cli.run("run", "-j", job.toString(), "--ignore-window");
        assertThat(purge.exitCode()).as(purge.toString()).isZero();
        long otherRun = runOf("other_purge");
        long purgeRun = runOf("tenant_purge");
        assertThat(otherRun).isNotEqualTo(purgeRun);
        DatabaseState before = state();

        assertUnknownRun("999");
        assertUnknownRun(String.valueOf(purgeRun + 1));
        // A run of another job is not a run of this one: rolling it back through this job must not touch it.
        assertUnknownRun(String.valueOf(otherRun));
        assertThat(state()).as("database state").isEqualTo(before);

        // The existing run is still there and fine, so the refusals above were about the run id only.
        Cli.Result status = Cli.run("status", "-j", job.toString(), "--run", String.valueOf(purgeRun));
        assertThat(status.exitCode()).as(status.toString()).isZero();
    }

    /** The command on the demo job, with what it needs to get as far as the database: a run id, the window. */
    private static String[] runtimeArgs(String command) {
        List<String> args = new ArrayList<>(List.of(command, "-j", job.toString()));
        if (command.equals("run")) {
            args.add("--ignore-window");
        }
        if (command.equals("rollback")) {
            args.addAll(List.of("--run", "1"));
        }
        return args.toArray(String[]::new);
    }

    private void assertUnknownRun(String run) {
        for (String command : List.of("status", "verify", "rollback")) {
            assertRefused(Cli.run(command, "-j", job.toString(), "--run", run), ExitCodes.BAD_INPUT,
                    "run " + run + " of job tenant_purge does not exist", "'declutter status' lists the job's latest run");
        }
    }

    private static DatabaseState state() throws Exception {
        try (Connection c = db.connect()) {
            return DatabaseState.of(c);
        }
    }

    private static long runRows() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM declutter.run")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long runOf(String jobName) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT run_id FROM declutter.run WHERE job = '" + jobName + "'")) {
            assertThat(rs.next()).as("a run of %s", jobName).isTrue();
            return rs.getLong(1);
        }
    }
}
