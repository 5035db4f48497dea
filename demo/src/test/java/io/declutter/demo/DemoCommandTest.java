package io.declutter.demo;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo command, end to end: it must exit 0 and report equal checksums after rollback. */
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
    }
}
