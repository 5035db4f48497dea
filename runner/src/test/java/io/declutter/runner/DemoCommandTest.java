package io.declutter.runner;

import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo command, end to end: it must exit 0 and report equal checksums after rollback. */
class DemoCommandTest {

    @Test
    void demoPassesAndRollbackRestoresEveryTable() {
        TestDatabase.server();
        Cli.Result r = Cli.run("demo", "--jdbc-url", TestDatabase.server().adminUrl());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Demo passed").doesNotContain("DIFFERENT");
        assertThat(r.out()).containsPattern("app\\.tenants\\s+40 rows \\w+\\s+32 rows");
    }
}
