package io.declutter.runner.purge;

import io.declutter.model.Throttle;

import java.time.Duration;

/**
 * The size of the next delete batch (docs/throttle.md#adaptive-batches). Without a {@code targetBatchTime} every batch
 * has the run's batch size. With one, each delete batch's rows per second predict the size that would take the
 * target time; the next size moves towards it by at most a factor of two either way, within
 * {@code minBatchSize}..{@code maxBatchSize}.
 */
public final class BatchSizer {

    private final int fixed;
    private int adaptive;

    /** @param fixed the run's batch size (the job's, or --batch-size): the fixed size, and the first adaptive one */
    public BatchSizer(int fixed) {
        if (fixed < 1) {
            throw new IllegalArgumentException("batch size " + fixed + " < 1");
        }
        this.fixed = fixed;
        this.adaptive = fixed;
    }

    /** The size of the next batch under these limits. */
    public int next(Throttle t) {
        return t.adaptive() ? clamp(adaptive, t) : fixed;
    }

    /**
     * A delete batch of {@code size} asked for deleted {@code rows} in {@code took}; returns the size of the next
     * batch. A batch that deleted nothing (the end of a table) says nothing about the speed and changes nothing.
     */
    public int observe(Throttle t, int size, long rows, Duration took) {
        if (!t.adaptive() || rows <= 0) {
            return next(t);
        }
        double seconds = Math.max(0.001, took.toNanos() / 1e9);
        double target = t.targetBatchTime().orElseThrow().toNanos() / 1e9;
        double wanted = rows / seconds * target;
        double bounded = Math.max(size / 2.0, Math.min(size * 2.0, wanted));
        adaptive = clamp((int) Math.min(Integer.MAX_VALUE, Math.round(bounded)), t);
        return adaptive;
    }

    private static int clamp(int size, Throttle t) {
        return Math.max(t.minBatchSize(), Math.min(t.maxBatchSize(), size));
    }
}
