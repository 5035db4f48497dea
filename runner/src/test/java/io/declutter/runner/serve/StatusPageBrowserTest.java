package io.declutter.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.HeadlessChromium;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page of {@code declutter serve} in a real headless Chromium (Debian's, no network: see
 * {@link HeadlessChromium}) against a real service (JobService and HttpApi on a free port) and a real PostgreSQL
 * holding the demo: the page loads without a JavaScript error, asks for a token and keeps it out of the URL, shows the
 * progress of a running purge moving between two of its own refreshes (a purge slowed by small batches and a canary
 * query), and shows buttons by role: none for a viewer, trigger and stop for an operator, rollback too for an admin,
 * whose rollback (after the confirmation) is counted by /metrics. A job not deployed is listed as such.
 */
class StatusPageBrowserTest {

    private static final String SLOW = "tenant_purge";
    private static final String QUICK = "users_dedup";

    @TempDir
    static Path dir;

    private static ScratchDatabase db;
    private static Serving serving;
    private static Api api;
    private static String base;
    private static String viewer;
    private static String operator;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require();
        db = TestDatabase.freshDemoWithClutter("status_page");
        // tenant_purge crawls (5 rows a batch, and a canary query of 50 ms before every unit) so that it is still
        // going while the page is read twice; users_dedup is small and runs to its end before the page is opened;
        // notes_orphans is not deployed.
        Path file = JobFiles.write(dir, "policy.yaml", """
                jobs:
                  - job: tenant_purge
                    root:
                      table: app.tenants
                      where: "status = 'closed' AND closed_at < now() - interval '90 days'"
                    batchSize: 5
                    rehearse: false
                    throttle:
                      canary: {sql: "SELECT pg_sleep(0.05)", maxLatency: 10s}
                  - job: users_dedup
                    root:
                      duplicatesOf: app.users
                      key: [lower(email)]
                      keep: oldest by created_at
                    rehearse: false
                  - job: notes_orphans
                    references:
                      - {name: notes_document, child: app.notes, columns: [document_ref], parent: app.documents,
                         onDelete: ignore}
                    root: {orphansOf: notes_document}
                """, db.url());
        Cli.ok(Cli.run("deploy", "-j", file.toString(), "--job", SLOW));
        Cli.ok(Cli.run("deploy", "-j", file.toString(), "--job", QUICK));
        Path tokens = dir.resolve("tokens");
        viewer = Tokens.add(tokens, "wall", Role.VIEWER);
        operator = Tokens.add(tokens, "ci", Role.OPERATOR);
        admin = Tokens.add(tokens, "dba", Role.ADMIN);
        serving = Serving.start(file, tokens);
        base = serving.base();
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
    void thePageShowsARunningPurgeMovingAndButtonsByRole() throws Exception {
        long done = runToTheEnd(QUICK);
        ChromeDriver driver = HeadlessChromium.start();
        try {
            driver.get(base + "/");
            assertThat(driver.getTitle()).isEqualTo("declutter serve");
            assertThat(driver.findElement(By.id("sign-in")).isDisplayed()).as("asks for a token").isTrue();
            assertThat(driver.findElement(By.id("status")).isDisplayed()).isFalse();

            // An operator starts the slow purge from the page; its progress moves between two refreshes.
            signIn(driver, operator);
            assertThat(driver.getCurrentUrl()).doesNotContain(operator);
            assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('declutter.token')"))
                    .isEqualTo(operator);
            assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("ci (operator)");
            driver.findElement(By.cssSelector("button.trigger[data-job='" + SLOW + "']")).click();
            long[] first = awaitProgress(driver, new long[] {0, 0});
            long[] second = awaitProgress(driver, first);
            assertThat(second[0] + second[1]).as("rows cached + deleted, read from the page twice")
                    .isGreaterThan(first[0] + first[1]);
            assertThat(driver.findElements(By.cssSelector("#current .run[data-job='" + SLOW + "'] tr.table-progress")))
                    .as("a progress bar per closure table").hasSizeGreaterThan(5);
            assertThat(buttons(driver, "stop")).containsExactly(SLOW);
            assertThat(buttons(driver, "trigger")).as("not for a job not deployed").containsExactlyInAnyOrder(SLOW,
                    QUICK);
            assertThat(driver.findElement(By.cssSelector("#jobs tr[data-job='notes_orphans']")).getText())
                    .contains("not deployed");
            assertThat(buttons(driver, "rollback")).as("an operator may not roll back").isEmpty();
            List<LogEntry> errors = HeadlessChromium.errors(driver);
            assertThat(errors).as("JavaScript errors").isEmpty();

            // A viewer sees the same progress and no button at all.
            signOut(driver);
            signIn(driver, viewer);
            assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("wall (viewer)");
            assertThat(driver.findElements(By.cssSelector("#current .run[data-job='" + SLOW + "']"))).hasSize(1);
            assertThat(driver.findElements(By.cssSelector("table.runs[data-job='" + QUICK + "'] tr[data-run='" + done
                    + "']"))).as("the quick job's finished run is listed").hasSize(1);
            assertThat(driver.findElements(By.cssSelector("button.trigger, button.stop, button.rollback")))
                    .as("a viewer has no button").isEmpty();

            // An admin also has rollback, on the finished run; it asks for a confirmation first.
            signOut(driver);
            signIn(driver, admin);
            assertThat(buttons(driver, "rollback")).containsExactly(QUICK);
            driver.findElement(By.cssSelector("button.rollback[data-run='" + done + "']")).click();
            new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
            assertThat(driver.switchTo().alert().getText()).contains("Roll back run " + done + " of job " + QUICK);
            driver.switchTo().alert().accept();
            new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> d.findElement(By.cssSelector(
                    "table.runs[data-job='" + QUICK + "'] tr[data-run='" + done + "']")).getText().contains("rolled back"));
            assertThat(driver.findElement(By.id("message")).getText()).contains("Roll back run " + done,
                    "rolled back");
            assertThat(HeadlessChromium.errors(driver)).as("JavaScript errors").isEmpty();

            // The admin stops the purge from the page.
            driver.findElement(By.cssSelector("button.stop[data-job='" + SLOW + "']")).click();
            new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElement(By.cssSelector(
                    "#current .run[data-job='" + SLOW + "'] h2")).getText().contains("stop requested"));

            // An unknown token is refused with a message, and forgotten.
            signOut(driver);
            driver.findElement(By.id("token")).sendKeys("not-a-token");
            driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("sign-in-error"))
                    .getText().contains("not known"));
            assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('declutter.token')"))
                    .isNull();
        } finally {
            driver.quit();
        }

        // The rollback through the page is counted with the rows it restored, per table.
        JsonNode run = api.get("/api/v1/jobs/" + QUICK + "/runs/" + done, viewer).body();
        assertThat(run.get("status").asText()).isEqualTo("rolled back");
        assertThat(run.get("restored").asLong()).as(run.toPrettyString()).isPositive();
        assertThat(api.get("/metrics", null).status()).as("/metrics needs a token").isEqualTo(401);
        Api.Answer metrics = api.get("/metrics", viewer);
        assertThat(metrics.status()).as(metrics.text()).isEqualTo(200);
        Map<String, Double> m = ServeMetricsTest.samples(metrics.text());
        double restored = 0;
        for (JsonNode t : run.get("tables")) {
            double counted = m.getOrDefault("declutter_rows_restored_total{job=\"" + QUICK + "\",table=\""
                    + t.get("table").asText() + "\"}", 0.0);
            assertThat(counted).as("restored " + t.get("table").asText()).isEqualTo(t.get("restored").asDouble());
            restored += counted;
        }
        assertThat(restored).isEqualTo(run.get("restored").asDouble());
        assertThat(m.get("declutter_runs_total{job=\"" + QUICK + "\",outcome=\"done\"}")).isEqualTo(1.0);
        assertThat(m.get("declutter_last_success_timestamp_seconds{job=\"" + QUICK + "\"}")).isPositive();
        assertThat(m.get("declutter_throttle_signal{job=\"" + SLOW + "\",signal=\"canary\"}")).isBetween(0.05, 10.0);
        assertThat(m.entrySet().stream().filter(e -> e.getKey().startsWith("declutter_rows_deleted_total{job=\"" + SLOW))
                .mapToDouble(Map.Entry::getValue).sum()).isPositive();
    }

    /** Triggers the job through the API and waits for its run to end done; its run id. */
    private static long runToTheEnd(String job) throws Exception {
        Api.Answer t = api.send("POST", "/api/v1/jobs/" + job + "/runs", operator, "first-" + job);
        assertThat(t.status()).as(t.toString()).isEqualTo(202);
        long run = t.body().get("run").asLong();
        Instant until = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            JsonNode r = api.get("/api/v1/jobs/" + job + "/runs/" + run, viewer).body();
            if (!"running".equals(r.get("status").asText())) {
                assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("done");
                assertThat(r.get("deleted").asLong()).as(r.toString()).isPositive();
                return run;
            }
            assertThat(Instant.now()).as("run %d of %s still going after 2 min", run, job).isBefore(until);
            Thread.sleep(200);
        }
    }

    private static void signIn(ChromeDriver driver, String token) {
        String before = refreshes(driver);
        WebElement field = driver.findElement(By.id("token"));
        field.sendKeys(token);
        driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("status")).isDisplayed()
                && !refreshes(driver).equals(before));
    }

    private static void signOut(ChromeDriver driver) {
        driver.findElement(By.id("sign-out")).click();
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> d.findElement(By.id("sign-in")).isDisplayed());
        // The refresh count goes on across sign-ins: wait for one with the new token (signIn compares).
    }

    private static String refreshes(ChromeDriver driver) {
        Object n = ((JavascriptExecutor) driver).executeScript("return document.body.dataset.refreshes || '0'");
        return String.valueOf(n);
    }

    /** The jobs whose button of that class the page shows. */
    private static List<String> buttons(ChromeDriver driver, String kind) {
        return driver.findElements(By.cssSelector("button." + kind)).stream().map(b -> b.getDomAttribute("data-job"))
                .toList();
    }

    /**
     * Waits until the page shows the slow job's current run with more rows cached + deleted than {@code than}; the
     * rows cached and deleted it shows then, summed over its per-table rows.
     */
    private static long[] awaitProgress(ChromeDriver driver, long[] than) {
        long[][] seen = new long[1][];
        new WebDriverWait(driver, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(250)).until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#current .run[data-job='" + SLOW
                    + "'] tr.table-progress"));
            long cached = 0;
            long deleted = 0;
            try {
                for (WebElement r : rows) {
                    cached += Long.parseLong(r.getDomAttribute("data-cached"));
                    deleted += Long.parseLong(r.getDomAttribute("data-deleted"));
                }
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return false; // redrawn while read: read again
            }
            seen[0] = new long[] {cached, deleted};
            return !rows.isEmpty() && cached + deleted > than[0] + than[1];
        });
        return seen[0];
    }
}
