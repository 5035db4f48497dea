package io.declutter.runner.throttle;

import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo job with a {@code startWhen} section (docs/throttle.md#start-thresholds): below every threshold
 * {@code run} does nothing, says why and exits 0, and {@code plan} shows the values against the thresholds; once one
 * is reached the run starts and purges. The demo has 8 matching root rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartWhenTest {

    private static DemoPurge demo;
    private static String jobFile;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("startwhen");
        demo.generateAndDeploy();
        jobFile = Files.readString(demo.jobFile());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private static void startWhen(String section) throws Exception {
        Files.writeString(demo.jobFile(), jobFile + "startWhen:\n" + section);
    }

    @Test
    @Order(1)
    void belowEveryThresholdRunDoesNothingAndSaysWhy() throws Exception {
        startWhen("  rootRows: 1000\n  tableSize: {table: app.tenants, over: 1TB}\n"
                + "  deadTuples: {table: app.tenants, over: 1000000000}\n"
                + "  deadTupleRatio: {table: app.tenants, over: 1}\n");
        Cli.Result run = demo.cli(0, "run");
        assertThat(run.out()).contains("Job tenant_purge is below every start threshold (startWhen); nothing done:")
                .contains("  root rows of app.tenants matching root.where: 8 (start at 1,000)")
                .contains("  size of app.tenants: ").contains(" (start at 1.0 TB)")
                .contains("  dead tuples of app.tenants: ").contains(" (start at 1,000,000,000)")
                .contains("  dead tuple ratio of app.tenants: ").contains(" (start at 1.000)");
        try (Connection c = demo.connect()) {
            assertThat(DemoPurge.runStatuses(c)).as("no run was started").isEmpty();
        }
        Cli.Result plan = demo.cli(0, "plan");
        assertThat(plan.out()).contains("Start thresholds (startWhen; a run starts when one is reached):")
                .contains("  root rows of app.tenants matching root.where: 8 (start at 1,000)");
    }

    @Test
    @Order(2)
    void anUnknownTableIsBadInput() throws Exception {
        startWhen("  tableSize: {table: app.no_such_table, over: 1GB}\n");
        Cli.Result run = demo.cli(2, "run");
        assertThat(run.err()).contains("startWhen: table app.no_such_table does not exist");
    }

    @Test
    @Order(3)
    void oneThresholdReachedStartsTheRun() throws Exception {
        startWhen("  rootRows: 5\n  tableSize: {table: app.tenants, over: 1TB}\n");
        Cli.Result run = demo.cli(0, "run");
        assertThat(run.out()).contains("Job tenant_purge: a start threshold is reached (startWhen):")
                .contains("  root rows of app.tenants matching root.where: 5 or more (reached: 5)")
                .contains("is done");
        demo.cli(0, "verify");
        try (Connection c = demo.connect()) {
            assertThat(DemoPurge.runStatuses(c)).hasSize(1).allMatch(s -> s.endsWith(":done"));
        }
    }
}
