package io.declutter.runner.throttle;

import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo job with {@code targetBatchTime} (docs/throttle.md#adaptive-batches): every delete batch is in the log
 * with the size asked for, the rows deleted, its time and the next size; each batch has the size the previous one
 * chose, within the bounds; the purge ends complete (verify). What the sizes are depends on the machine's speed, so
 * nothing asserts them beyond the bounds.
 */
class AdaptiveBatchTest {

    private static final Pattern MESSAGE = Pattern.compile("batch size (\\d+): (\\d+) rows in (\\d+) ms; next batch size (\\d+)");
    private static DemoPurge demo;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("adaptive");
        demo.generateAndDeploy();
        Files.writeString(demo.jobFile(), Files.readString(demo.jobFile())
                + "throttle:\n  targetBatchTime: 20ms\n  minBatchSize: 7\n  maxBatchSize: 400\n");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void everyBatchAimsAtTheTargetWithinTheBoundsAndIsLogged() throws Exception {
        Cli.Result run = demo.cli(0, "run", "--batch-size", "3");
        assertThat(run.out()).contains("batch size 3 (adaptive: target 20 ms, 7 to 400 rows)");
        demo.cli(0, "verify");
        List<int[]> batches = new ArrayList<>();
        long deletedInBatches = 0;
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT message, rows, ended_at >= started_at FROM declutter.log"
                     + " WHERE action = 'batch' ORDER BY log_id")) {
            while (rs.next()) {
                Matcher m = MESSAGE.matcher(rs.getString(1));
                assertThat(m.matches()).as(rs.getString(1)).isTrue();
                int size = Integer.parseInt(m.group(1));
                long rows = Long.parseLong(m.group(2));
                assertThat(rows).isEqualTo(rs.getLong(2)).isLessThanOrEqualTo(size);
                assertThat(rs.getBoolean(3)).isTrue();
                deletedInBatches += rows;
                batches.add(new int[] {size, Integer.parseInt(m.group(4))});
            }
        }
        assertThat(batches).hasSizeGreaterThan(10);
        assertThat(batches.get(0)[0]).as("the first batch: the run's batch size, raised to minBatchSize").isEqualTo(7);
        for (int i = 0; i < batches.size(); i++) {
            assertThat(batches.get(i)[1]).as("next size after batch %d", i).isBetween(7, 400);
            if (i > 0) {
                assertThat(batches.get(i)[0]).as("size of batch %d: what batch %d chose", i, i - 1)
                        .isEqualTo(batches.get(i - 1)[1]);
            }
        }
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sum(rows) FROM declutter.log WHERE action = 'delete'")) {
            rs.next();
            assertThat(deletedInBatches).as("rows of the batch rows = rows of the delete rows").isEqualTo(rs.getLong(1));
        }
    }
}
