package io.declutter.runner.picture;

import io.declutter.dialect.Resources;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page of {@code plan --html} in a real headless browser (docs/plan-picture.md#how-it-is-tested): on the demo's
 * closure and on the hard schema's, it loads without a JavaScript error and draws every table of the closure; search
 * finds a table and centres it; collapsing a table hides the tables under it and expanding shows them again; the
 * findings are listed and marked on the tables and edges they are about.
 */
class PlanPageBrowserTest {

    private static ScratchDatabase demo;
    private static ScratchDatabase hard;
    private static ChromeDriver driver;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require();
        demo = TestDatabase.freshDemo("plan_page");
        hard = TestDatabase.fresh("plan_page_hard");
        try (Connection c = hard.connect()) {
            SqlScripts.run(c, Resources.text(PlanPageBrowserTest.class, "/postgres/hard_schema.sql"));
        }
        driver = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        for (ScratchDatabase db : new ScratchDatabase[] {demo, hard}) {
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    void theDemoClosureIsDrawnSearchedCollapsedAndExpanded() throws Exception {
        Path page = work.resolve("demo.html");
        List<String> purged = plan(JobFiles.demoJob(work, demo.url()), page);
        open(page);
        assertThat(driver.getTitle()).isEqualTo("declutter plan of job tenant_purge");
        drawsEveryTable(purged);

        // search by the table's own name: found, highlighted, selected and in the middle of the view
        WebElement search = driver.findElement(By.id("search"));
        search.sendKeys("projects", Keys.ENTER);
        assertThat(driver.findElement(By.id("search-result")).getText()).isEqualTo("1 table found");
        assertThat(js("const n = declutterPlan.cy.getElementById('app.projects');"
                + " return n.hasClass('match') && n.selected() && n.visible();")).isEqualTo(true);
        assertThat(((Number) js("const n = declutterPlan.cy.getElementById('app.projects');"
                + " const p = n.renderedPosition(); return Math.hypot(p.x - declutterPlan.cy.width() / 2,"
                + " p.y - declutterPlan.cy.height() / 2);")).doubleValue()).as("distance from the centre").isLessThan(5);
        assertThat(driver.findElement(By.id("selection")).getText()).contains("app.projects", "rows (estimate)");

        // collapse the tables under app.projects, then expand them
        @SuppressWarnings("unchecked")
        List<String> under = (List<String>) js("return declutterPlan.descendants('app.projects');");
        assertThat(under).as("tables under app.projects").isNotEmpty();
        WebElement toggle = driver.findElement(By.id("toggle-subtree"));
        assertThat(toggle.getText()).isEqualTo("Collapse the " + under.size() + " tables under it");
        toggle.click();
        eventually("return arguments[0].every(id => !declutterPlan.cy.getElementById(id).visible());", under);
        assertThat(visible(under)).as("hidden after collapsing").containsOnly(false);
        assertThat(js("return declutterPlan.cy.getElementById('app.projects').hasClass('collapsed')"
                + " && declutterPlan.cy.getElementById('app.projects').visible()"
                + " && declutterPlan.cy.getElementById('app.tenants').visible();")).isEqualTo(true);
        assertThat(js("return declutterPlan.cy.getElementById('app.projects').data('label');").toString())
                .endsWith("[+" + under.size() + " hidden]");
        driver.findElement(By.id("toggle-subtree")).click();
        eventually("return arguments[0].every(id => declutterPlan.cy.getElementById(id).visible());", under);
        assertThat(visible(under)).as("shown after expanding").containsOnly(true);

        // search reveals a table inside a collapsed subtree
        driver.findElement(By.id("collapse-all")).click();
        assertThat(eventually("return declutterPlan.cy.nodes(':visible').length < declutterPlan.cy.nodes().length;"))
                .as("some tables hidden after 'collapse all'").isEqualTo(true);
        String deep = (String) js("return declutterPlan.cy.nodes().filter(n => !n.visible())[0].id();");
        search.clear();
        search.sendKeys(deep, Keys.ENTER);
        assertThat(visible(List.of(deep))).containsOnly(true);
        driver.findElement(By.id("expand-all")).click();
        eventually("return declutterPlan.cy.nodes().every(n => n.visible());");
        drawsEveryTable(purged);
        search.clear();
        search.sendKeys("no_such_table", Keys.ENTER);
        assertThat(driver.findElement(By.id("search-result")).getText()).contains("no table matches");
        assertThat(HeadlessChromium.errors(driver)).as("JavaScript errors").isEmpty();
    }

    @Test
    void theHardSchemasFindingsAreListedAndMarked() throws Exception {
        Path page = work.resolve("hard.html");
        String yaml = Files.readString(repositoryRoot().resolve("generator/src/test/resources/jobs/postgres/"
                + "hard_purge.yaml"), StandardCharsets.UTF_8);
        List<String> purged = plan(JobFiles.write(work, "hard_purge.yaml", yaml, hard.url()), page);
        open(page);
        drawsEveryTable(purged);
        List<WebElement> findings = driver.findElements(By.cssSelector("#findings li"));
        assertThat(findings).hasSize(((Number) js("return JSON.parse(document.getElementById('plan-data')"
                + ".textContent).findings.length;")).intValue()).isNotEmpty();
        // every WARNING or ERROR finding placed on the picture marks its tables or edges
        Object unmarked = js("const d = JSON.parse(document.getElementById('plan-data').textContent);"
                + " return d.findings.filter(f => f.severity !== 'info').flatMap(f => f.nodes.concat(f.links))"
                + ".filter(id => !declutterPlan.cy.getElementById(id).hasClass('warning')"
                + " && !declutterPlan.cy.getElementById(id).hasClass('error'));");
        assertThat((List<?>) unmarked).as("elements of a warning or error without its mark").isEmpty();
        assertThat(js("return declutterPlan.cy.elements('.warning, .error').length;")).as("marked elements")
                .isNotEqualTo(0L);
        // clicking a finding placed on the picture selects what it is about
        Map<?, ?> placed = (Map<?, ?>) js("const d = JSON.parse(document.getElementById('plan-data').textContent);"
                + " return d.findings.find(f => f.nodes.length + f.links.length > 0);");
        driver.findElement(By.cssSelector("#findings li[data-finding='" + placed.get("id") + "']")).click();
        List<String> about = new ArrayList<>();
        ((List<?>) placed.get("nodes")).forEach(o -> about.add(o.toString()));
        ((List<?>) placed.get("links")).forEach(o -> about.add(o.toString()));
        eventually("return declutterPlan.cy.elements(':selected').length === arguments[0];", about.size());
        @SuppressWarnings("unchecked")
        List<String> selected = (List<String>) js("return declutterPlan.cy.elements(':selected').map(e => e.id());");
        assertThat(selected).containsExactlyInAnyOrderElementsOf(about);
        assertThat(HeadlessChromium.errors(driver)).as("JavaScript errors").isEmpty();
    }

    /** Runs {@code plan --html}, returns the tables of the closure from the plan's delete order. */
    private static List<String> plan(Path jobFile, Path page) {
        Cli.Result r = Cli.run("plan", "-j", jobFile.toString(), "--html", page.toString());
        Cli.ok(r);
        assertThat(r.out()).contains("(HTML page)");
        String order = r.out().lines().filter(l -> l.startsWith("Delete order: ")).findFirst().orElseThrow();
        return List.of(order.substring("Delete order: ".length()).split(", "));
    }

    private static void open(Path page) throws Exception {
        assertThat(Files.readString(page)).as("self-contained")
                .doesNotContainPattern("(?i)<script[^>]+src=|<link[^>]+href=|https?://cdn");
        driver.get(page.toUri().toString());
        assertThat(js("return document.body.dataset.drawn === 'true' && typeof cytoscape === 'function';"))
                .as("drawn").isEqualTo(true);
        assertThat(HeadlessChromium.errors(driver)).as("JavaScript errors").isEmpty();
    }

    /** Every table of the closure is a node, visible, placed inside the drawing. */
    private static void drawsEveryTable(List<String> purged) {
        @SuppressWarnings("unchecked")
        List<String> nodes = (List<String>) js("return declutterPlan.cy.nodes().filter(n => n.data('id')"
                + " && !n.hasClass('kept')).map(n => n.id());");
        assertThat(nodes).containsExactlyInAnyOrderElementsOf(purged);
        assertThat(visible(purged)).containsOnly(true);
        Object placed = js("const bb = declutterPlan.cy.elements().boundingBox();"
                + " return declutterPlan.cy.nodes().every(n => Number.isFinite(n.position('x'))"
                + " && Number.isFinite(n.position('y'))) && bb.w > 0 && bb.h > 0;");
        assertThat(placed).as("every node placed").isEqualTo(true);
        assertThat(js("return declutterPlan.cy.nodes().every(n => n.width() > 0 && n.height() > 0);"))
                .isEqualTo(true);
    }

    @SuppressWarnings("unchecked")
    private static List<Boolean> visible(List<String> ids) {
        return (List<Boolean>) js("return arguments[0].map(id => declutterPlan.cy.getElementById(id).visible());",
                ids);
    }

    /**
     * The script's answer once it is {@code true}, or its last answer after 10 s: a click is handed to the page as
     * input events, and a CI run saw the page not yet changed by the next script after a click (the machine busy).
     */
    private static Object eventually(String script, Object... args) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        Object answer = js(script, args);
        while (!Boolean.TRUE.equals(answer) && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            answer = js(script, args);
        }
        return answer;
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return java.util.Objects.requireNonNull(dir, "the repository root (with mvnw) above the working directory");
    }
}
