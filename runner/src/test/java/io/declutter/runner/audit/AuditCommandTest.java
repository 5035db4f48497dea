package io.declutter.runner.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code declutter audit} against a real PostgreSQL database with known clutter ({@link AuditFixture}): the findings
 * and their rank, counted rows, the read-only guarantee, saving and comparing, and bad input (exit 2). Ordered: the
 * tests before {@code save} check that nothing was written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditCommandTest {

    private static ScratchDatabase db;

    @TempDir
    static Path work;

    @BeforeAll
    static void createDatabase() throws Exception {
        db = TestDatabase.fresh("audit");
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

    private static JsonNode json(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("audit", "--jdbc-url", db.url(), "--json", "--large-rows", "1000"));
        args.addAll(List.of(more));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        return new ObjectMapper().readTree(r.out());
    }

    private static List<JsonNode> findings(JsonNode audit, String kind, String table) {
        List<JsonNode> out = new ArrayList<>();
        audit.get("findings").forEach(f -> {
            if (f.get("kind").asText().equals(kind) && f.get("table").asText().equals(table)) {
                out.add(f);
            }
        });
        return out;
    }

    private static JsonNode table(JsonNode audit, String schema, String name) {
        for (JsonNode t : audit.get("tables")) {
            if (t.get("schema").asText().equals(schema) && t.get("table").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no table " + schema + "." + name + " in " + audit.get("tables"));
    }

    @Test
    @Order(1)
    void findsTheClutterRankedLargestReclaimableSpaceFirst() throws Exception {
        JsonNode a = json();
        JsonNode events = table(a, "app", "events");
        assertThat(events.get("deadTuples").asLong()).isGreaterThanOrEqualTo(5000);
        assertThat(events.get("heapBytes").asLong()).isPositive();
        assertThat(events.get("rowEstimate").asLong()).isEqualTo(5000);
        assertThat(events.get("deletes").asLong()).isEqualTo(5000);
        assertThat(events.get("bloatBytes").asLong()).as("half the heap deleted").isGreaterThan(events.get("heapBytes")
                .asLong() / 4);
        assertThat(findings(a, "BLOAT", "app.events")).hasSize(1);
        assertThat(findings(a, "DEAD_TUPLES", "app.events")).hasSize(1);

        List<JsonNode> unindexed = findings(a, "UNINDEXED_FOREIGN_KEY", "app.orders");
        assertThat(unindexed).hasSize(1);
        assertThat(unindexed.get(0).get("suggestion").asText())
                .isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON app.orders (customer_id);");
        assertThat(findings(a, "UNINDEXED_FOREIGN_KEY", "app.flags")).as("indexed").isEmpty();

        List<JsonNode> partition = findings(a, "FOREIGN_KEY_INTO_PARTITION", "app.flags");
        assertThat(partition).hasSize(1);
        assertThat(partition.get(0).get("detail").asText()).contains("flags_measurement", "app.measurements_low",
                "partition of app.measurements");

        List<JsonNode> retention = findings(a, "RETENTION", "app.log_entries");
        assertThat(retention).hasSize(1);
        assertThat(retention.get(0).get("suggestion").asText()).contains("table: app.log_entries",
                "where: \"logged_at < now() - interval '365 days'\"");
        assertThat(findings(a, "RETENTION", "app.events")).as("has deletes").isEmpty();

        // Ranked: reclaimable space never grows down the list.
        long previous = Long.MAX_VALUE;
        for (JsonNode f : a.get("findings")) {
            assertThat(f.get("reclaimableBytes").asLong()).isLessThanOrEqualTo(previous);
            previous = f.get("reclaimableBytes").asLong();
        }
        assertThat(a.get("findings").get(0).get("table").asText()).isEqualTo("app.events");
        assertThat(a.get("savedAs").isNull()).isTrue();
    }

    @Test
    @Order(2)
    void theTextReportAndAJobFileForTheDatabase() throws Exception {
        Path job = JobFiles.write(work, "job.yaml", "job: j\nroot:\n  table: app.customers\n  where: \"id < 0\"\n",
                db.url());
        Cli.Result r = Cli.run("audit", "-j", job.toString(), "--large-rows", "1000");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        System.out.println("[audit text]\n" + r.out());
        assertThat(r.out()).contains("Findings, largest reclaimable space first", "app.events", "bloat",
                "Unindexed foreign keys", "orders_customer_id_fkey",
                "Foreign keys into partitions", "flags_measurement", "Suggestions:", "job: log_entries_retention");
        assertThat(r.out().lines().filter(l -> l.contains("app.events") && l.contains("bloat")).findFirst())
                .as(r.out()).isPresent();
    }

    @Test
    @Order(3)
    void exactCountsRows() throws Exception {
        JsonNode a = json("--exact");
        assertThat(table(a, "app", "events").get("exactRows").asLong()).isEqualTo(5000);
        assertThat(table(a, "app", "log_entries").get("exactRows").asLong()).isEqualTo(2000);
        assertThat(table(a, "app", "measurements").get("exactRows").isNull()).as("partitioned: its partitions count")
                .isTrue();
    }

    @Test
    @Order(4)
    void withoutSaveNothingIsWritten() throws Exception {
        json("--exact");
        assertThat(exists("SELECT 1 FROM pg_namespace WHERE nspname = 'declutter'")).isFalse();
    }

    @Test
    @Order(5)
    void badInputExitsTwoAndWritesNothing() throws Exception {
        String url = db.url();
        assertRefused(Cli.run("audit", "--jdbc-url", url, "--compare"), "no audit was saved");
        assertRefused(Cli.run("audit", "--jdbc-url", url, "--compare", "7"), "no saved audit 7");
        assertRefused(Cli.run("audit", "--jdbc-url", url, "--large-rows", "-1"), "--large-rows");
        assertRefused(Cli.run("audit", "--jdbc-url", url, "--html", work.resolve("no/such/dir/a.html").toString()),
                "does not exist");
        assertRefused(Cli.run("audit"), "no database given");
        assertRefused(Cli.run("audit", "--jdbc-url", "jdbc:mysql://x/y"), "no dialect for JDBC URL");
        assertRefused(Cli.run("audit", "--jdbc-url", url, "--no-such-option"), "Unknown option");
        assertRefused(Cli.run("audit", "-j", work.resolve("missing.yaml").toString()), "missing.yaml");
        assertThat(exists("SELECT 1 FROM pg_namespace WHERE nspname = 'declutter'")).isFalse();
    }

    @Test
    @Order(6)
    void anUnreachableDatabaseExitsThree() {
        Cli.Result r = Cli.run("audit", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NO_DATABASE);
    }

    @Test
    @Order(7)
    void savedAuditsAreComparedWithAndListTablesWithoutWrites() throws Exception {
        try (Connection c = db.connect()) {
            AuditFixture.backupTable(c);
        }
        JsonNode first = json("--save");
        assertThat(first.get("savedAs").asLong()).isEqualTo(1);
        assertThat(first.get("comparedWith").isNull()).isTrue();
        assertThat(exists("SELECT 1 FROM declutter.audit WHERE audit_id = 1 AND table_name = 'log_entries'")).isTrue();
        List<JsonNode> backup = findings(first, "BACKUP_TABLE", "declutter.bk_j1_events");
        assertThat(backup).hasSize(1);
        assertThat(backup.get(0).get("detail").asText()).contains("backup of app.events for job j1");
        assertThat(backup.get(0).get("reclaimableBytes").asLong()).isPositive();

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO app.customers VALUES (3, 'c')");
            AuditFixture.awaitStatistics(c, "customers", "n_tup_ins >= 3");
        }
        // Compared with the latest saved audit without being asked.
        JsonNode second = json();
        assertThat(second.get("comparedWith").get("auditId").asLong()).isEqualTo(1);
        assertThat(findings(second, "NO_WRITES", "app.log_entries")).hasSize(1);
        assertThat(findings(second, "NO_WRITES", "app.orders")).hasSize(1);
        assertThat(findings(second, "NO_WRITES", "app.customers")).as("written since").isEmpty();
        assertThat(json("--compare", "1").get("comparedWith").get("auditId").asLong()).isEqualTo(1);
        assertRefused(Cli.run("audit", "--jdbc-url", db.url(), "--compare", "9"), "no saved audit 9");
        assertThat(json("--save").get("savedAs").asLong()).isEqualTo(2);
    }

    private static void assertRefused(Cli.Result r, String message) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).as(r.toString()).contains(message);
    }

    private static boolean exists(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }
}
