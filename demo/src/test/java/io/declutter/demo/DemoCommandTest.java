package io.declutter.demo;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's demo command, end to end: it must exit 0, run both jobs of the demo's policy file one after another
 * (the tenant purge and the events' retention, which leaves exactly the events of the last year), and report equal
 * checksums after rolling both back.
 */
class DemoCommandTest {

    @Test
    void demoPassesAndRollbackRestoresEveryTable() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("demo", "--jdbc-url", TestServer.get().adminUrl());
        String all = "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        assertThat(code).as(all).isZero();
        assertThat(out.toString()).contains("Demo passed").doesNotContain("DIFFERENT");
        assertThat(out.toString()).containsPattern("app\\.tenants\\s+40 rows \\w+\\s+32 rows");
        assertThat(out.toString()).contains("== Audit: where the clutter is", "== Job tenant_purge (1 of 2)",
                "== Job events_retention (2 of 2)", "Every job of ", "== Job events_retention\n",
                "== Check job events_retention: 3650 events, 1825 past retention before; 1825 events, 0 past"
                        + " retention after", "After purges")
                .containsPattern("app\\.events\\s+3650 rows \\w+\\s+1825 rows \\w+\\s+3650 rows");
    }
}
