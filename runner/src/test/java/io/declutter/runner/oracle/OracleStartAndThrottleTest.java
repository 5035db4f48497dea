package io.declutter.runner.oracle;

import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.targets.OracleTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start thresholds and the Oracle-only throttle settings on Oracle Database Free in a container
 * (docs/throttle.md#oracle), through the CLI on the demo: below {@code startWhen.rootRows} nothing starts and nothing
 * is recorded; dead-tuple thresholds are refused naming the alternatives; with {@code tableSize} reached and a
 * throttle reading undo and the apply lag on a {@code standbyUrl} (here the same database, which has no Data Guard:
 * the lag reads as unknown, and {@code onUnknown: go} lets the run go on), the purge ends done. Skipped where Docker
 * is absent, and says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OracleStartAndThrottleTest {

    private OracleTarget target;
    private String skipped;

    @BeforeAll
    void setUp() throws Exception {
        try {
            target = OracleTarget.create();
        } catch (TestAbortedException e) {
            skipped = e.getMessage();
            return;
        }
        Path generated = target.dir().resolve("generated");
        Cli.ok(target.cli("generate", "-o", generated.toString()));
        Cli.ok(target.cli("deploy", "--dir", generated.toString()));
    }

    @BeforeEach
    void skipWithoutDocker() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (target != null) {
            target.close();
        }
    }

    private Path jobFile(String name, String sections) throws Exception {
        Path file = target.dir().resolve(name + ".yaml");
        Files.writeString(file, Files.readString(target.jobFile()) + sections);
        return file;
    }

    private long runs() throws Exception {
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM DECLUTTER.RUN")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void belowTheRootRowsThresholdNothingStarts() throws Exception {
        Path job = jobFile("few", "startWhen:\n  rootRows: 1000\n");
        Cli.Result r = Cli.run("run", "-j", job.toString(), "--ignore-window");
        Cli.ok(r);
        assertThat(r.out()).contains("below every start threshold").contains("root rows of app.tenants matching"
                + " root.where: 8 (start at 1,000)");
        assertThat(runs()).isZero();
        assertThat(Cli.run("plan", "-j", job.toString()).out()).contains("(start at 1,000)");
    }

    @Test
    @Order(2)
    void deadTupleThresholdsAreRefusedNamingTheAlternatives() throws Exception {
        Path job = jobFile("dead", "startWhen:\n  deadTuples: {table: app.events, over: 1000}\n");
        Cli.Result r = Cli.run("run", "-j", job.toString(), "--ignore-window");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("cannot be measured on Oracle").contains("startWhen.tableSize");
        assertThat(runs()).isZero();
    }

    @Test
    @Order(3)
    void aReachedTableSizeStartsAThrottledRunThatEndsDone() throws Exception {
        Path job = jobFile("throttled", "startWhen:\n  tableSize: {table: app.events, over: 1}\n"
                + "throttle:\n  maxReplicaLag: 1h\n  standbyUrl: " + target.jdbcUrl() + "\n"
                + "  maxUndoBlocks: 100000000\n  maxActiveSessions: 1000\n  onUnknown: go\n");
        Cli.Result r = Cli.run("run", "-j", job.toString(), "--ignore-window", "--batch-size", "200");
        Cli.ok(r);
        assertThat(r.out()).contains("a start threshold is reached").contains("size of app.events")
                .contains("throttled").contains("is done");
        assertThat(runs()).isEqualTo(1);
        try (Connection c = target.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM DECLUTTER.RUN")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("done");
        }
    }
}
