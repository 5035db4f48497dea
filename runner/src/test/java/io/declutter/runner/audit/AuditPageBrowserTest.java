package io.declutter.runner.audit;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page of {@code audit --html} in a real headless browser (Debian's chromium and chromedriver, see .ci/run): it
 * loads with no JavaScript error, draws both charts, and shows the findings and every table. The page holds all it
 * needs; the browser is given no network.
 */
class AuditPageBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static ScratchDatabase db;

    @TempDir
    static Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            String why = "no " + CHROMIUM + " or " + CHROMEDRIVER + ": apt-get install -y chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " (CI=true: .ci/run installs them)");
            }
            Assumptions.abort(why);
        }
        db = TestDatabase.fresh("audit_html");
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
    void thePageLoadsWithoutErrorsAndShowsTheFindingsAndTables() throws Exception {
        Path page = work.resolve("audit.html");
        Cli.Result r = Cli.run("audit", "--jdbc-url", db.url(), "--large-rows", "1000", "--html", page.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        String html = Files.readString(page);
        assertThat(html).as("self-contained").doesNotContainPattern("(?i)<script[^>]+src=|<link[^>]+href=|https?://cdn");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--proxy-server=127.0.0.1:9", "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(page.toUri().toString());
            assertThat(driver.getTitle()).startsWith("declutter audit of ");
            Object drawn = ((JavascriptExecutor) driver).executeScript(
                    "return document.body.dataset.chartsDrawn === 'true' && typeof Chart === 'function'"
                    + " && Chart.getChart('sizes') !== undefined && Chart.getChart('reclaimable') !== undefined");
            assertThat(drawn).as("both charts drawn").isEqualTo(Boolean.TRUE);

            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertThat(errors).as("JavaScript errors").isEmpty();

            List<String> tables = driver.findElements(By.cssSelector("#tables tbody tr td:first-child")).stream()
                    .map(WebElement::getText).toList();
            assertThat(tables).contains("app.events", "app.log_entries", "app.customers", "app.orders", "app.flags",
                    "app.measurements (partitioned)", "app.measurements_low (partition)");
            List<WebElement> findings = driver.findElements(By.cssSelector("#findings tbody tr"));
            assertThat(findings).hasSizeGreaterThanOrEqualTo(5);
            assertThat(findings.get(0).getText()).contains("bloat", "app.events");
            assertThat(driver.findElement(By.id("findings")).getText()).contains("job: log_entries_retention",
                    "CREATE INDEX CONCURRENTLY");
            assertThat(driver.findElement(By.id("unindexed")).getText()).contains("orders_customer_id_fkey");
            assertThat(driver.findElement(By.id("partition-fks")).getText()).contains("flags_measurement");
            assertThat(driver.findElement(By.id("sizes")).isDisplayed()).isTrue();
        } finally {
            driver.quit();
        }
    }
}
