package io.declutter.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each role of the API does exactly its part (docs/serve.md#roles), over a real port against a real PostgreSQL:
 * the operator triggers (idempotently) and stops, the admin rolls back and expires, the viewer reads runs, progress,
 * verify, receipts and the audit. Every other call is refused (401 without a token or with an unknown one, 403 with
 * too low a role) and changes nothing: the checksums of every application and framework table, backup tables
 * included, are the same before and after. Every state-changing call is in declutter.log with the token's name and
 * role.
 */
class ServeRolesTest {

    @TempDir
    static Path dir;

    private static ScratchDatabase db;
    private static Serving serving;
    private static Api api;
    private static String viewer;
    private static String operator;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.freshDemoWithClutter("serve_roles");
        Path file = JobFiles.write(dir, "policy.yaml", """
                jobs:
                  - job: tenant_purge
                    root:
                      table: app.tenants
                      where: "status = 'closed' AND closed_at < now() - interval '90 days'"
                    rehearse: false
                  - job: events_retention
                    root: {table: app.events, where: "created_at < now() - interval '365 days'"}
                    batchSize: 2
                    rehearse: false
                """, db.url());
        for (String job : List.of("tenant_purge", "events_retention")) {
            Cli.ok(Cli.run("deploy", "-j", file.toString(), "--job", job));
        }
        Path tokens = dir.resolve("tokens");
        viewer = Tokens.add(tokens, "dash", Role.VIEWER);
        operator = Tokens.add(tokens, "ci", Role.OPERATOR);
        admin = Tokens.add(tokens, "boss", Role.ADMIN);
        serving = Serving.start(file, tokens);
        api = serving.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (serving != null) {
            serving.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** Every row of every application and framework table (runs, log, keys, backups), as checksums. */
    private static Map<String, Checksums.Sum> state() throws SQLException {
        try (Connection c = db.connect()) {
            return Checksums.of(c, Checksums.tablesOf(c, "app", "declutter"));
        }
    }

    private static List<String> apiLog() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT run_id || ': ' || message FROM declutter.log WHERE action = 'api' ORDER BY log_id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Waits until the service drives no run of the job (the run ended, or stopped). */
    private static void awaitEnd(String job) throws InterruptedException {
        for (int i = 0; i < 1200 && serving.service().drivenRun(job).isPresent(); i++) {
            Thread.sleep(100);
        }
        assertThat(serving.service().drivenRun(job)).as("run of " + job + " still going after 2 minutes").isEmpty();
    }

    private static void refused(Api.Answer a, int status, String code) {
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        assertThat(a.body().get("error").get("code").asText()).isEqualTo(code);
        assertThat(a.body().get("error").get("exitCode").asInt()).isEqualTo(2);
    }

    @Test
    void eachRoleDoesExactlyItsPart() throws Exception {
        // The operator triggers a run; the same Idempotency-Key again returns it, starting nothing.
        Api.Answer first = api.send("POST", "/api/v1/jobs/tenant_purge/runs", operator, "deploy-42");
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        assertThat(first.body().get("created").asBoolean()).isTrue();
        long run = first.body().get("run").asLong();
        Api.Answer retry = api.send("POST", "/api/v1/jobs/tenant_purge/runs", operator, "deploy-42");
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        assertThat(retry.body().get("created").asBoolean()).isFalse();
        assertThat(retry.body().get("run").asLong()).isEqualTo(run);
        awaitEnd("tenant_purge");
        Api.Answer done = api.get("/api/v1/jobs/tenant_purge/runs/" + run, viewer);
        assertThat(done.body().get("status").asText()).as(done.toString()).isEqualTo("done");
        assertThat(done.body().get("deleted").asLong()).isPositive();
        assertThat(done.body().get("tables")).hasSizeGreaterThan(10);
        JsonNode root = done.body().get("tables").findValues("table").stream().filter(t -> t.asText()
                .equals("app.tenants")).findFirst().orElseThrow();
        assertThat(root).isNotNull();
        // The key outlives the service: it is in the database.
        Api.Answer stillKnown = api.send("POST", "/api/v1/jobs/tenant_purge/runs", admin, "deploy-42");
        assertThat(stillKnown.body().get("run").asLong()).isEqualTo(run);
        assertThat(stillKnown.body().get("created").asBoolean()).isFalse();

        // Refused: without a token, with an unknown one, with too low a role. Nothing changes.
        Map<String, Checksums.Sum> before = state();
        String runs = "/api/v1/jobs/tenant_purge/runs";
        String one = runs + "/" + run;
        List<String> changing = List.of(runs, one + "/stop", one + "/rollback", one + "/expire");
        for (String path : changing) {
            refused(api.post(path, null), 401, "unauthorized");
            refused(api.post(path, "not-a-token"), 401, "unauthorized");
            refused(api.post(path, viewer), 403, "forbidden");
        }
        refused(api.post(one + "/rollback", operator), 403, "forbidden");
        refused(api.post(one + "/expire", operator), 403, "forbidden");
        Api.Answer forbidden = api.post(one + "/rollback", operator);
        assertThat(forbidden.body().get("error").get("message").asText()).contains("token ci has the role operator")
                .contains("needs admin");
        for (String path : List.of("/api/v1/jobs", runs, one, one + "/verify", one + "/receipt", "/api/v1/audit",
                "/api/v1/whoami")) {
            refused(api.get(path, null), 401, "unauthorized");
        }
        // A stop of a finished run is bad input, and changes nothing either.
        refused(api.post(one + "/stop", operator), 400, "bad_input");
        assertThat(state()).isEqualTo(before);

        // The viewer reads everything but backups.
        Api.Answer list = api.get(runs + "?limit=5", viewer);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.body().get(0).get("run").asLong()).isEqualTo(run);
        Api.Answer verify = api.get(one + "/verify", viewer);
        assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
        assertThat(verify.body().get("ok").asBoolean()).as(verify.toString()).isTrue();
        Api.Answer receipt = api.get(one + "/receipt", viewer);
        assertThat(receipt.status()).as(receipt.toString()).isEqualTo(200);
        assertThat(receipt.body().get("run").asLong()).isEqualTo(run);
        Api.Answer audit = api.get("/api/v1/audit", viewer);
        assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
        assertThat(audit.text()).contains("findings");
        Api.Answer jobs = api.get("/api/v1/jobs", viewer);
        assertThat(jobs.body().get(0).get("lastRun").get("run").asLong()).isEqualTo(run);
        assertThat(state()).isEqualTo(before);

        // The admin rolls back, then expires the backup.
        Api.Answer rolledBack = api.post(one + "/rollback", admin);
        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(rolledBack.body().get("status").asText()).isEqualTo("rolled back");
        assertThat(rolledBack.body().get("restored").asLong()).isEqualTo(done.body().get("deleted").asLong());
        Api.Answer expired = api.post(one + "/expire", admin);
        assertThat(expired.status()).as(expired.toString()).isEqualTo(200);
        assertThat(expired.body().get("status").asText()).isEqualTo("expired");
        Api.Answer afterExpiry = api.post(one + "/rollback", admin);
        refused(afterExpiry, 400, "bad_input");
        // The same words as 'declutter rollback': where the archives are (none here), how to restore from one.
        assertThat(afterExpiry.body().get("error").get("message").asText()).contains("has expired")
                .contains("(at ").contains("no archive of it is recorded").contains("rollback --from DIR");

        assertThat(apiLog().stream().filter(l -> l.startsWith(run + ": "))).containsExactly(
                run + ": run started through declutter serve by token ci (operator), Idempotency-Key deploy-42",
                run + ": rollback through declutter serve by token boss (admin)",
                run + ": expire through declutter serve by token boss (admin)");
    }

    @Test
    void theOperatorStopsARunningRunAndATriggerWhileItGoesReturnsIt() throws Exception {
        String runs = "/api/v1/jobs/events_retention/runs";
        Api.Answer started = api.post(runs, operator);
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        long run = started.body().get("run").asLong();
        Api.Answer again = api.post(runs, operator);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.body().get("created").asBoolean()).isFalse();
        assertThat(again.body().get("run").asLong()).isEqualTo(run);

        refused(api.post(runs + "/" + run + "/stop", viewer), 403, "forbidden");
        Api.Answer running = api.get(runs + "/" + run, viewer);
        assertThat(running.body().get("pauseRequested").asBoolean()).as(running.toString()).isFalse();
        Api.Answer jobs = api.get("/api/v1/jobs/events_retention", viewer);
        assertThat(jobs.body().get("currentRun").asLong()).isEqualTo(run);

        Api.Answer stop = api.post(runs + "/" + run + "/stop", operator);
        assertThat(stop.status()).as(stop.toString()).isEqualTo(200);
        assertThat(stop.body().get("pauseRequested").asBoolean()).isTrue();
        awaitEnd("events_retention");
        Api.Answer stopped = api.get(runs + "/" + run, viewer);
        assertThat(stopped.body().get("status").asText()).isEqualTo("running");
        assertThat(stopped.body().get("pauseRequested").asBoolean()).isTrue();
        assertThat(stopped.body().get("deleted").asLong()).isLessThan(1825);
        assertThat(apiLog()).contains(run + ": run started through declutter serve by token ci (operator)",
                run + ": stop requested through declutter serve by token ci (operator)");
    }
}
