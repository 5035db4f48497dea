package io.declutter.runner.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run} and {@code status} on a policy file (docs/policy.md#run), on the demo sample with its clutter: three
 * jobs, the second below its start threshold; the shared window ends while the first job runs, which stops the
 * sequence (exit 4, the other jobs not started); the same command again resumes the first job's run, skips the
 * second with its reason and runs the third. And the errors of {@code --job}.
 */
class PolicyRunTest {

    private static final String PAST_RETENTION = "created_at < now() - interval '365 days'";

    @TempDir
    static Path dir;

    private static ScratchDatabase db;

    @BeforeAll
    static void load() throws Exception {
        db = TestDatabase.freshDemoWithClutter("policy_run");
    }

    @AfterAll
    static void drop() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    private static String policy(String window) {
        return window + """
                jobs:
                  - job: tenant_purge
                    root:
                      table: app.tenants
                      where: "status = 'closed' AND closed_at < now() - interval '90 days'"
                    rehearse: false
                  - job: revoked_keys
                    root: {table: app.api_keys, where: "revoked"}
                    rehearse: false
                    startWhen: {rootRows: 1000000}
                  - job: events_retention
                    root: {table: app.events, where: "%s"}
                    batchSize: 500
                    rehearse: false
                """.formatted(PAST_RETENTION);
    }

    private static long scalar(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> runs() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT job || ':' || run_id || ':' || status FROM declutter.run ORDER BY run_id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void theWindowsEndStopsTheSequenceAndTheSameCommandResumesIt() throws Exception {
        Path file = JobFiles.write(dir, "policy.yaml", policy(""), db.url());
        String f = file.toString();
        for (String job : List.of("tenant_purge", "revoked_keys", "events_retention")) {
            ok(Cli.run("deploy", "-j", f, "--job", job));
        }
        long events = scalar("SELECT count(*) FROM app.events");
        long past = scalar("SELECT count(*) FROM app.events WHERE " + PAST_RETENTION);
        String keptRevoked = "SELECT count(*) FROM app.api_keys k JOIN app.users u ON u.id = k.user_id"
                + " JOIN app.tenants t ON t.id = u.tenant_id WHERE k.revoked"
                + " AND NOT (t.status = 'closed' AND t.closed_at < now() - interval '90 days')";
        long revoked = scalar(keptRevoked);
        assertThat(past).isEqualTo(1825);

        // A shared window that opened an hour ago and closes in 5 seconds: one-row batches make the first job last
        // far longer, so the window's end stops it in the middle.
        DateTimeFormatter hms = DateTimeFormatter.ofPattern("HH:mm:ss");
        LocalTime now = LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(file, Files.readString(file).replace("jobs:\n", "window:\n  start: \""
                + now.minusHours(1).format(hms) + "\"\n  end: \"" + now.plusSeconds(5).format(hms) + "\"\njobs:\n"));
        Cli.Result stopped = Cli.run("run", "-j", f, "--batch-size", "1", "--no-vacuum");
        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.STOPPED);
        assertThat(stopped.out()).as(stopped.toString()).contains("== Job tenant_purge (1 of 3)")
                .contains("The sequence stops: job tenant_purge ended with exit code 4; not started: revoked_keys,"
                        + " events_retention. Run the same command again to go on")
                .doesNotContain("== Job revoked_keys").doesNotContain("== Job events_retention");
        assertThat(runs()).singleElement().satisfies(r -> assertThat(r).startsWith("tenant_purge:")
                .doesNotEndWith(":done"));
        long stoppedRun = Long.parseLong(runs().get(0).split(":")[1]);
        assertThat(scalar("SELECT count(*) FROM app.tenants")).as("stopped in the middle").isEqualTo(40);
        assertThat(scalar("SELECT count(*) FROM app.events")).isEqualTo(events);

        // The window is closed now: the same command skips every job and says so (exit 4, nothing done).
        Cli.Result closed = Cli.run("run", "-j", f);
        assertThat(closed.exitCode()).as(closed.toString()).isEqualTo(ExitCodes.STOPPED);
        assertThat(closed.out()).contains("Job tenant_purge: its window (").contains(") is closed; skipped.")
                .contains("The window of every job of " + f + " is closed; nothing done.");
        assertThat(runs()).hasSize(1);

        // Again, now: the first job's run resumes, the second is below its threshold, the third runs.
        Cli.Result resumed = Cli.run("run", "-j", f, "--ignore-window");
        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(resumed.out()).as(resumed.toString())
                .contains("== Job tenant_purge (1 of 3)", "Job tenant_purge, run " + stoppedRun,
                        "== Job revoked_keys (2 of 3)", "Job revoked_keys is below every start threshold (startWhen);"
                                + " nothing done:", "== Job events_retention (3 of 3)",
                        "Every job of " + f + " is done or skipped.");
        assertThat(runs()).containsExactly("tenant_purge:" + stoppedRun + ":done",
                "events_retention:" + (stoppedRun + 1) + ":done");
        assertThat(scalar("SELECT count(*) FROM app.tenants")).isEqualTo(32);
        assertThat(scalar("SELECT count(*) FROM app.events WHERE " + PAST_RETENTION)).isZero();
        assertThat(scalar("SELECT count(*) FROM app.events")).isEqualTo(events - past);
        assertThat(scalar("SELECT count(*) FROM app.api_keys WHERE revoked")).as("not due: untouched but for the"
                + " purged tenants' keys").isEqualTo(revoked).isPositive();

        Cli.Result status = Cli.run("status", "-j", f);
        ok(status);
        assertThat(status.out()).contains("== Job tenant_purge", "== Job revoked_keys",
                "Job revoked_keys has never run.", "== Job events_retention");
        Cli.Result json = Cli.run("status", "-j", f, "--json");
        ok(json);
        JsonNode all = new ObjectMapper().readTree(json.out());
        assertThat(all).hasSize(3);
        assertThat(all.get(0).get("job").asText()).isEqualTo("tenant_purge");
        assertThat(all.get(0).get("status").isObject()).isTrue();
        assertThat(all.get(1).get("status").isNull()).isTrue();
        assertThat(all.get(1).get("note").asText()).isEqualTo("has never run");
        assertThat(all.get(2).get("status").isObject()).isTrue();

        ok(Cli.run("verify", "-j", f, "--job", "events_retention"));
        ok(Cli.run("status", "-j", f, "--job", "tenant_purge", "--run", String.valueOf(stoppedRun)));
    }

    @Test
    void commandsOnOneJobNeedJobAndSayWhichThereAre() throws Exception {
        Path file = JobFiles.write(dir, "errors.yaml", policy(""), db.url());
        String f = file.toString();
        String names = "tenant_purge, revoked_keys, events_retention";
        for (String verb : List.of("plan", "generate", "deploy", "stop", "verify", "rollback", "expire")) {
            Cli.Result r = Cli.run(verb, "-j", f);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err()).as(r.toString()).contains("declutter: " + f + " holds 3 jobs (" + names
                    + "): name the one to " + verb + " with --job NAME");
        }
        Cli.Result unknown = Cli.run("plan", "-j", f, "--job", "nope");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains(f + " holds no job named 'nope'; its jobs are " + names);
        Cli.Result keys = Cli.run("run", "-j", f, "--keys", "1");
        assertThat(keys.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(keys.err()).contains("--keys and --keys-file go with --job NAME");
        Cli.Result run = Cli.run("status", "-j", f, "--run", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(run.err()).contains("--run goes with --job NAME");
        Cli.Result both = Cli.run("run", "-j", f, "--job", "events_retention", "--no-vacuum", "--vacuum-full");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(both.err()).contains("--no-vacuum and --vacuum-full contradict each other");

        Path single = JobFiles.write(dir, "single.yaml", "job: one\nroot: {table: app.events, keys: runtime}\n",
                db.url());
        Cli.Result other = Cli.run("plan", "-j", single.toString(), "--job", "two");
        assertThat(other.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(other.err()).contains(single + " holds only job one, not 'two'");
        ok(Cli.run("plan", "-j", single.toString(), "--job", "one"));
        ok(Cli.run("plan", "--job-file", single.toString()));
        ok(Cli.run("audit", "-j", f));

        Path undeployed = JobFiles.write(dir, "undeployed.yaml", """
                jobs:
                  - {job: never_deployed, root: {table: app.events, where: "false"}}
                  - {job: other_never, root: {table: app.notes, where: "false"}}
                """, db.url());
        Cli.Result status = Cli.run("status", "-j", undeployed.toString());
        ok(status);
        assertThat(status.out()).contains("== Job never_deployed", "Job never_deployed is not deployed in this"
                + " database (declutter deploy -j " + undeployed + " --job never_deployed).", "== Job other_never");
        Cli.Result stops = Cli.run("run", "-j", undeployed.toString());
        assertThat(stops.exitCode()).as(stops.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(stops.out()).contains("The sequence stops: job never_deployed ended with an error; not started:"
                + " other_never.");
        assertThat(stops.err()).contains("not deployed in this database");
    }
}
