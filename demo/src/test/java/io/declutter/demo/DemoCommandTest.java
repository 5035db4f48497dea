package io.declutter.demo;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's demo command, end to end: it must exit 0, run the four jobs of the demo's policy file one after
 * another (the tenant purge; the events' retention, which leaves exactly the events of the last year; the orphan
 * notes, which leaves exactly the notes whose document exists; the duplicated users, which leaves one user per
 * lower(email)), and report equal checksums after rolling them all back.
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
        assertThat(out.toString()).contains("== Audit: where the clutter is", "== Job tenant_purge (1 of 4)",
                "== Job events_retention (2 of 4)", "== Job notes_orphans (3 of 4)", "== Job users_dedup (4 of 4)",
                "Every job of ", "== Job events_retention\n",
                "== Check job events_retention: 3650 events, 1825 past retention before; 1825 events, 0 past"
                        + " retention after", "After purges",
                "== Check job notes_orphans: 4025 notes, 25 orphans before; 3200 notes, 0 orphans after (800 notes"
                        + " were on the documents tenant_purge purged)",
                "== Check job users_dedup: 1551 users, 1531 e-mails before; 1179 users, 1179 e-mails after",
                "== Roll back job notes_orphans", "== Roll back job users_dedup")
                .containsPattern("app\\.events\\s+3650 rows \\w+\\s+1825 rows \\w+\\s+3650 rows")
                .containsPattern("app\\.notes\\s+4025 rows \\w+\\s+3200 rows \\w+\\s+4025 rows")
                .containsPattern("app\\.users\\s+1551 rows \\w+\\s+1179 rows \\w+\\s+1551 rows");
    }
}
