package io.declutter.runner.throttle;

import io.declutter.model.Throttle;
import io.declutter.runner.purge.BatchSizer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive batch size (docs/throttle.md#adaptive-batches), on given batch times: no clock involved. */
class BatchSizerTest {

    private static Throttle target(Duration target, int min, int max) {
        return new Throttle(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), false, OptionalInt.empty(), Optional.empty(), Throttle.OnUnknown.GO,
                Optional.of(target), min, max);
    }

    @Test
    void withoutATargetEveryBatchHasTheRunsSize() {
        BatchSizer sizer = new BatchSizer(5000);
        assertThat(sizer.next(Throttle.NONE)).isEqualTo(5000);
        assertThat(sizer.observe(Throttle.NONE, 5000, 5000, Duration.ofMinutes(1))).isEqualTo(5000);
    }

    @Test
    void aimsAtTheTargetMovingAtMostTwofoldPerBatch() {
        Throttle t = target(Duration.ofSeconds(1), 100, 100_000);
        BatchSizer sizer = new BatchSizer(1000);
        assertThat(sizer.next(t)).isEqualTo(1000);
        // 1000 rows in 250 ms: 4000 would take a second, but a batch at most doubles
        assertThat(sizer.observe(t, 1000, 1000, Duration.ofMillis(250))).isEqualTo(2000);
        // 2000 rows in 800 ms: 2500 take a second
        assertThat(sizer.observe(t, 2000, 2000, Duration.ofMillis(800))).isEqualTo(2500);
        // 2500 rows in 10 s: 250 would take a second, but a batch at most halves
        assertThat(sizer.observe(t, 2500, 2500, Duration.ofSeconds(10))).isEqualTo(1250);
        assertThat(sizer.next(t)).isEqualTo(1250);
    }

    @Test
    void staysWithinTheBounds() {
        Throttle t = target(Duration.ofSeconds(1), 500, 1500);
        BatchSizer sizer = new BatchSizer(1000);
        assertThat(sizer.observe(t, 1000, 1000, Duration.ofMillis(1))).isEqualTo(1500);
        assertThat(sizer.observe(t, 1500, 1500, Duration.ofMinutes(5))).isEqualTo(750);
        assertThat(sizer.observe(t, 750, 750, Duration.ofMinutes(5))).isEqualTo(500);
        assertThat(new BatchSizer(50_000).next(t)).as("a run's batch size outside the bounds").isEqualTo(1500);
    }

    @Test
    void anEmptyBatchChangesNothing() {
        Throttle t = target(Duration.ofSeconds(1), 100, 100_000);
        BatchSizer sizer = new BatchSizer(1000);
        assertThat(sizer.observe(t, 1000, 0, Duration.ofMillis(1))).isEqualTo(1000);
    }
}
