package io.declutter.render;

import io.declutter.dialect.GeneratedFile;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.localdb.WideSchema;
import io.declutter.model.Edge;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generation at scale (docs/benchmark.md#wide): the wide synthetic schema ({@link WideSchema}: 1,000 tables, 3,000
 * foreign keys) is created in a real PostgreSQL database, then introspected, planned and generated through the real
 * code paths. The output is complete (every closure table and every edge is in it) and byte-identical when generated
 * again from a second introspection, and a child JVM with a 256 MB heap does the same and gets the same bytes: memory
 * stays bounded. No time is asserted: the time lives in the benchmark ({@code declutter bench --wide}).
 */
class WideSchemaTest {

    private static final String HEAP = "-Xmx256m";

    private static PostgresLocator.Server server;
    private static ScratchDatabase db;
    private static final WideSchema SCHEMA = new WideSchema(42);

    @BeforeAll
    static void createSchema() throws Exception {
        server = PostgresLocator.locate(System.getenv()).orElse(null);
        if (server == null) {
            String why = "no PostgreSQL found: set " + PostgresLocator.ENV_URL + ", start PostgreSQL on localhost:5432,"
                    + " or run where Docker is available";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " (CI=true: a missing database fails the build)");
            }
            Assumptions.abort(why);
        }
        db = ScratchDatabase.create(server, "declutter_test_wide");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : SCHEMA.ddl()) {
                st.addBatch(sql);
            }
            st.executeBatch();
            c.commit();
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSchemaIsAsWide() {
        assertThat(SCHEMA.tables()).hasSize(WideSchema.TABLES);
        assertThat(SCHEMA.foreignKeyCount()).isEqualTo(WideSchema.FOREIGN_KEYS);
        assertThat(SCHEMA.tables().stream().filter(WideSchema.Table::composite).count()).isGreaterThan(50);
        assertThat(SCHEMA.tables().stream().flatMap(t -> t.fks().stream()).filter(fk -> fk.onDelete().equals("SET NULL"))
                .count()).isGreaterThan(100);
        assertThat(new WideSchema(42).script()).isEqualTo(SCHEMA.script()); // deterministic
    }

    @Test
    void planAndGenerateAreCompleteAndByteIdenticalTheSecondTime() throws Exception {
        WideSchemaGeneration.Output first;
        WideSchemaGeneration.Output second;
        try (Connection c = db.connect()) {
            first = WideSchemaGeneration.generate(c);
        }
        try (Connection c = db.connect()) {
            second = WideSchemaGeneration.generate(c);
        }
        PurgePlan plan = first.plan();
        assertThat(plan.errors()).isEmpty();
        assertThat(first.catalog().tables()).hasSize(WideSchema.TABLES);

        // Every closure table, and no other, is planned, backed up and deleted.
        Set<String> closure = new TreeSet<>(SCHEMA.closureTables());
        Set<String> planned = plan.tables().stream().map(t -> t.name().schema() + "." + t.name().name())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(planned).isEqualTo(closure);
        for (PurgeTable t : plan.tables()) {
            String suffix = "_" + t.name().schema() + "_" + t.name().name() + ".sql";
            assertThat(first.files().stream().filter(f -> f.path().endsWith(suffix)).map(GeneratedFile::path)
                    .map(p -> p.substring(p.lastIndexOf('/') + 1).replaceAll("_\\d+_.*", "")).collect(Collectors.toSet()))
                    .as("files of %s", t.name()).contains("backup", "delete");
        }
        // Every foreign key into the closure is an edge, with a control row.
        List<String> intoClosure = new ArrayList<>();
        for (WideSchema.Table t : SCHEMA.tables()) {
            for (WideSchema.Fk fk : t.fks()) {
                if (closure.contains(WideSchema.SCHEMA + "." + fk.parent())) {
                    intoClosure.add(fk.name());
                }
            }
        }
        assertThat(plan.edges().stream().filter(e -> !e.root()).count()).isEqualTo(intoClosure.size());
        String controlRows = first.files().stream().filter(f -> f.path().endsWith("/control_rows.sql")).findFirst()
                .orElseThrow().content();
        for (Edge e : plan.edges()) {
            e.foreignKey().ifPresent(fk -> assertThat(controlRows).contains("'" + fk.name() + "'"));
        }

        // A second introspection and generation: the same bytes.
        assertThat(second.files().stream().map(GeneratedFile::path).toList())
                .isEqualTo(first.files().stream().map(GeneratedFile::path).toList());
        for (int i = 0; i < first.files().size(); i++) {
            assertThat(second.files().get(i).content()).as(first.files().get(i).path())
                    .isEqualTo(first.files().get(i).content());
        }

        // The same in a JVM with a small heap: it completes, and its files are the same bytes.
        String digest = WideSchemaGeneration.digest(first.files());
        String child = inSmallHeap();
        assertThat(child).contains("digest " + digest);
    }

    /** Runs {@link WideSchemaGeneration#main} in a child JVM with {@value #HEAP}; its output. */
    private static String inSmallHeap() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-cp", System.getProperty("java.class.path"), WideSchemaGeneration.class.getName(), db.url()));
        server.user().ifPresent(cmd::add);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        server.password().ifPresent(p -> pb.environment().put("PGPASSWORD", p)); // never on the command line
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("the child JVM (%s) said:%n%s", HEAP, out).isZero();
        System.out.println("[WideSchemaTest] child JVM " + HEAP + ": " + out.lines()
                .filter(l -> l.startsWith("heap")).findFirst().orElse(""));
        return out;
    }
}
