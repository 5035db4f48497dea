package io.declutter.runner.audit;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.HeadlessChromium;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code audit --html} writes, beside its page, the plan page of each job it suggests and links to it from the
 * suggestion (docs/audit.md#html): the link opens, in a headless browser, the suggested job's closure drawn without
 * a JavaScript error.
 */
class AuditPlanPagesTest {

    private static ScratchDatabase db;

    @TempDir
    static Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.fresh("audit_plans");
        try (Connection c = db.connect()) {
            AuditFixture.create(c);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void theSuggestedJobsPlanPageIsWrittenBesideTheAuditAndLinked() throws Exception {
        Path dir = Files.createDirectories(work.resolve("report dir"));
        Path page = dir.resolve("audit.html");
        Cli.Result r = Cli.run("audit", "--jdbc-url", db.url(), "--large-rows", "1000", "--html", page.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        Path plan = dir.resolve("audit.log_entries_retention.plan.html");
        assertThat(plan).isRegularFile();
        assertThat(Files.readString(page)).contains("<a class=\"plan\" href=\"./audit.log_entries_retention.plan.html\"");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("one plan page per suggested job, nothing else").containsExactly("audit.html",
                            "audit.log_entries_retention.plan.html");
        }

        // without --html the audit writes no file
        Cli.ok(Cli.run("audit", "--jdbc-url", db.url(), "--large-rows", "1000"));

        ChromeDriver driver = HeadlessChromium.start();
        try {
            driver.get(page.toUri().toString());
            List<WebElement> links = driver.findElements(By.cssSelector("#findings a.plan"));
            assertThat(links).hasSize(1);
            assertThat(links.get(0).getText()).contains("log_entries_retention");
            links.get(0).click();
            assertThat(driver.getTitle()).isEqualTo("declutter plan of job log_entries_retention");
            JavascriptExecutor js = driver;
            assertThat(js.executeScript("return document.body.dataset.drawn === 'true'"
                    + " && declutterPlan.cy.getElementById('app.log_entries').hasClass('root');")).isEqualTo(true);
            assertThat(driver.findElement(By.tagName("h1")).getText()).contains("app.log_entries", "logged_at");
            assertThat(HeadlessChromium.errors(driver)).as("JavaScript errors").isEmpty();
        } finally {
            driver.quit();
        }
    }
}
