package io.declutter.demo.bench;

import io.declutter.demo.Main;
import io.declutter.demo.TestServer;
import io.declutter.localdb.PostgresLocator;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import picocli.CommandLine;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan --html} on the benchmark's database (105 tables, a small scale) in a real headless browser (Debian's
 * chromium and chromedriver, no network; docs/plan-picture.md#how-it-is-tested): the page draws every table of the
 * closure without a JavaScript error, search finds a table, and collapsing a table hides the tables under it.
 */
class BenchPlanPageBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    Path work;

    @Test
    void drawsTheBenchmarkClosure() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            String why = "no " + CHROMIUM + " or " + CHROMEDRIVER + ": apt-get install -y chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " (CI=true: .ci/run installs them)");
            }
            Assumptions.abort(why);
        }
        SyntheticSchema schema = new SyntheticSchema(42, 0.01);
        String name = ("declutter_test_bench_plan_page_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
        PostgresLocator.Server server = TestServer.get();
        BenchDatabase db = BenchDatabase.load(server, name, schema, 1, line -> { });
        try {
            Path page = work.resolve("bench.html");
            String out = cli("plan", "-j", jobFile(server).toString(), "--jdbc-url", db.url(), "--html",
                    page.toString());
            String order = out.lines().filter(l -> l.startsWith("Delete order: ")).findFirst().orElseThrow();
            List<String> closure = List.of(order.substring("Delete order: ".length()).split(", "));
            // every table but the global ones the tenants' rows reference (and no rows reference)
            assertThat(closure).as("the closure of saas.tenants").hasSizeGreaterThan(100).doesNotHaveDuplicates();
            assertThat(schema.tableNames()).hasSize(105).containsAll(closure);
            assertThat(Files.readString(page)).as("self-contained")
                    .doesNotContainPattern("(?i)<script[^>]+src=|<link[^>]+href=|https?://cdn");

            ChromeDriver driver = browser();
            try {
                driver.get(page.toUri().toString());
                JavascriptExecutor js = driver;
                assertThat(js.executeScript("return document.body.dataset.drawn === 'true';")).isEqualTo(true);
                @SuppressWarnings("unchecked")
                List<String> drawn = (List<String>) js.executeScript("return declutterPlan.cy.nodes()"
                        + ".filter(n => n.visible() && Number.isFinite(n.position('x')) && n.width() > 0"
                        + " && !n.hasClass('kept')).map(n => n.id());");
                assertThat(drawn).containsExactlyInAnyOrderElementsOf(closure);
                assertThat(js.executeScript("return declutterPlan.cy.nodes().every(n => n.visible());"))
                        .isEqualTo(true);

                String table = closure.get(closure.size() / 2);
                driver.findElement(By.id("search")).sendKeys(table, Keys.ENTER);
                assertThat(driver.findElement(By.id("search-result")).getText()).isEqualTo("1 table found");
                assertThat(js.executeScript("const n = declutterPlan.cy.getElementById(arguments[0]);"
                        + " return n.selected() && n.hasClass('match');", table)).isEqualTo(true);

                // collapse the root's child with the most tables under it
                String child = (String) js.executeScript("const root = declutterPlan.cy.getElementById('"
                        + SyntheticSchema.ROOT + "'); return root.outgoers('node').map(n => n.id()).sort((a, b) =>"
                        + " declutterPlan.descendants(b).length - declutterPlan.descendants(a).length)[0];");
                @SuppressWarnings("unchecked")
                List<String> under = (List<String>) js.executeScript("return declutterPlan.descendants(arguments[0]);",
                        child);
                assertThat(under).isNotEmpty();
                js.executeScript("declutterPlan.collapse(arguments[0]);", child);
                assertThat(js.executeScript("return arguments[0].filter(id =>"
                        + " declutterPlan.cy.getElementById(id).visible()).length;", under)).isEqualTo(0L);
                assertThat(js.executeScript("return declutterPlan.cy.nodes(':visible').length"
                        + " + arguments[0].length === declutterPlan.cy.nodes().length;", under)).isEqualTo(true);

                List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
                assertThat(errors).as("JavaScript errors").isEmpty();
            } finally {
                driver.quit();
            }
        } finally {
            db.drop();
        }
    }

    private Path jobFile(PostgresLocator.Server server) throws Exception {
        StringBuilder y = new StringBuilder("job: bench_picture\nroot:\n  table: " + SyntheticSchema.ROOT
                + "\n  where: \"status = 'closed'\"\ndatabase:\n");
        server.user().ifPresent(u -> y.append("  user: ").append(u).append('\n'));
        if (server.password().isPresent()) {
            Path pw = work.resolve("password");
            Files.writeString(pw, server.password().get());
            y.append("  passwordFile: ").append(pw).append('\n');
        }
        Path file = work.resolve("bench_picture.yaml");
        Files.writeString(file, y);
        return file;
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertThat(code).as("%s%n%s", out, err).isZero();
        return out.toString();
    }

    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--proxy-server=127.0.0.1:9", "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
