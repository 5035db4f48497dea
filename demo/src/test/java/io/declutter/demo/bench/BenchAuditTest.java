package io.declutter.demo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.demo.Main;
import io.declutter.demo.TestServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code declutter audit} on the benchmark's database (105 tables, a small scale): it reads every table and finds
 * the one foreign key the schema leaves without an index on purpose (docs/audit.md#findings).
 */
class BenchAuditTest {

    @Test
    void auditsTheBenchmarkDatabase() throws Exception {
        SyntheticSchema schema = new SyntheticSchema(42, 0.01);
        String name = ("declutter_test_bench_audit_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
        BenchDatabase db = BenchDatabase.load(TestServer.get(), name, schema, 1, line -> { });
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
            int code = cl.execute("audit", "--jdbc-url", db.url(), "--json");
            assertThat(code).as("%s%n%s", out, err).isZero();
            JsonNode a = new ObjectMapper().readTree(out.toString());
            List<String> tables = new ArrayList<>();
            a.get("tables").forEach(t -> {
                if (t.get("schema").asText().equals(SyntheticSchema.SCHEMA)) {
                    tables.add(SyntheticSchema.SCHEMA + "." + t.get("table").asText());
                }
            });
            assertThat(tables).hasSize(105).containsAll(schema.tableNames());
            List<String> unindexed = new ArrayList<>();
            a.get("unindexedForeignKeys").forEach(fk -> {
                List<String> columns = new ArrayList<>();
                fk.get("columns").forEach(c -> columns.add(c.asText()));
                unindexed.add(fk.get("schema").asText() + "." + fk.get("table").asText() + "(" + String.join(", ", columns)
                        + ")");
            });
            assertThat(unindexed).containsExactly(schema.unindexedForeignKey());
        } finally {
            db.drop();
        }
    }
}
