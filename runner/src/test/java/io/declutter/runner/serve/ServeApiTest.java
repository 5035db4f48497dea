package io.declutter.runner.serve;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's reading routes and its authentication, over a real port against a real PostgreSQL: jobs with their
 * schedules, whoami, health, the OpenAPI description, and the JSON errors of a call without a token, with an unknown
 * one, and on an unknown job or route.
 */
class ServeApiTest {

    @TempDir
    static Path dir;

    private static ScratchDatabase db;
    private static Serving serving;
    private static Api api;
    private static String viewer;
    private static String operator;
    private static String windowStart;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.freshDemo("serve_api");
        // A window that opens in two hours: a trigger now is refused, and starts nothing.
        java.time.format.DateTimeFormatter hm = java.time.format.DateTimeFormatter.ofPattern("HH:mm");
        java.time.LocalTime now = java.time.LocalTime.now();
        windowStart = now.plusHours(2).format(hm);
        Path file = JobFiles.write(dir, "policy.yaml", """
                jobs:
                  - job: tenant_purge
                    root:
                      table: app.tenants
                      where: "status = 'closed' AND closed_at < now() - interval '90 days'"
                    rehearse: false
                    schedule: "0 30 1 * * ?"
                    timeZone: Europe/Paris
                    window: {start: "%s", end: "%s"}
                  - job: revoked_keys
                    root: {table: app.api_keys, where: "revoked"}
                """.formatted(windowStart, now.plusHours(3).format(hm)), db.url());
        Cli.ok(Cli.run("deploy", "-j", file.toString(), "--job", "tenant_purge"));
        Path tokens = dir.resolve("tokens");
        viewer = Tokens.add(tokens, "dash", Role.VIEWER);
        operator = Tokens.add(tokens, "ci", Role.OPERATOR);
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

    @Test
    void jobsWithTheirSchedulesForAViewer() throws Exception {
        Api.Answer jobs = api.get("/api/v1/jobs", viewer);
        assertThat(jobs.status()).as(jobs.toString()).isEqualTo(200);
        assertThat(jobs.body()).hasSize(2);
        assertThat(jobs.body().get(0).get("name").asText()).isEqualTo("tenant_purge");
        assertThat(jobs.body().get(0).get("schedule").asText()).isEqualTo("0 30 1 * * ?");
        assertThat(jobs.body().get(0).get("timeZone").asText()).isEqualTo("Europe/Paris");
        assertThat(jobs.body().get(0).get("nextRun").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z");
        assertThat(jobs.body().get(0).get("window").get("start").asText()).isEqualTo(windowStart);
        assertThat(jobs.body().get(0).get("deployed").asBoolean()).isTrue();
        assertThat(jobs.body().get(0).get("currentRun").isNull()).isTrue();
        assertThat(jobs.body().get(0).get("lastRun").isNull()).isTrue();
        assertThat(jobs.body().get(1).get("schedule").isNull()).isTrue();
        assertThat(jobs.body().get(1).get("nextRun").isNull()).isTrue();
        assertThat(jobs.body().get(1).get("deployed").asBoolean()).isFalse();

        Api.Answer one = api.get("/api/v1/jobs/tenant_purge", viewer);
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.body().get("name").asText()).isEqualTo("tenant_purge");

        Api.Answer me = api.get("/api/v1/whoami", viewer);
        assertThat(me.body().get("name").asText()).isEqualTo("dash");
        assertThat(me.body().get("role").asText()).isEqualTo("viewer");
    }

    @Test
    void noTokenOrAnUnknownOneIs401AndUnknownThingsAre404() throws Exception {
        for (String token : new String[] {null, "", viewer + "x", "not-a-token"}) {
            Api.Answer a = api.get("/api/v1/jobs", token);
            assertThat(a.status()).as(a.toString()).isEqualTo(401);
            assertThat(a.body().get("error").get("code").asText()).isEqualTo("unauthorized");
            assertThat(a.body().get("error").get("exitCode").asInt()).isEqualTo(2);
        }
        Api.Answer job = api.get("/api/v1/jobs/nope", viewer);
        assertThat(job.status()).as(job.toString()).isEqualTo(404);
        assertThat(job.body().get("error").get("code").asText()).isEqualTo("not_found");
        assertThat(job.body().get("error").get("message").asText()).contains("no job named 'nope'")
                .contains("tenant_purge, revoked_keys");
        Api.Answer run = api.get("/api/v1/jobs/tenant_purge/runs/999", viewer);
        assertThat(run.status()).as(run.toString()).isEqualTo(404);
        Api.Answer route = api.get("/api/v1/nothing", viewer);
        assertThat(route.status()).as(route.toString()).isEqualTo(404);
        assertThat(route.body().get("error").get("code").asText()).isEqualTo("not_found");
        Api.Answer bad = api.get("/api/v1/jobs/tenant_purge/runs?limit=0", viewer);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.body().get("error").get("code").asText()).isEqualTo("bad_input");
    }

    @Test
    void aTriggerOutsideTheWindowStartsNothingAndSaysWhy() throws Exception {
        Api.Answer a = api.send("POST", "/api/v1/jobs/tenant_purge/runs", operator, "outside-1");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("started").asBoolean()).isFalse();
        assertThat(a.body().get("created").asBoolean()).isFalse();
        assertThat(a.body().get("run").isNull()).isTrue();
        assertThat(a.body().get("exitCode").asInt()).isEqualTo(4);
        assertThat(a.body().get("message").asText()).contains("Outside the window of job tenant_purge");
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM declutter.run)"
                     + " + (SELECT count(*) FROM declutter.api_request)")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        Api.Answer notDeployed = api.post("/api/v1/jobs/revoked_keys/runs", operator);
        assertThat(notDeployed.status()).as(notDeployed.toString()).isEqualTo(400);
        assertThat(notDeployed.body().get("error").get("code").asText()).isEqualTo("bad_input");
    }

    @Test
    void healthAndTheDescriptionNeedNoToken() throws Exception {
        assertThat(api.get("/health/live", null).body().get("status").asText()).isEqualTo("up");
        Api.Answer ready = api.get("/health/ready", null);
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        Api.Answer openapi = api.get("/openapi.json", null);
        assertThat(openapi.status()).isEqualTo(200);
    }
}
