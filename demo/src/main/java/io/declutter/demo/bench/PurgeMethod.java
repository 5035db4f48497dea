package io.declutter.demo.bench;

import java.time.Duration;

/** One way of purging the closed tenants, measured on its own fresh copy of the loaded database. */
interface PurgeMethod {

    /** Short name used in the report. */
    String title();

    /** What it does, one sentence for the report. */
    String description();

    /** Whether it runs under the time cap (slow methods; extrapolated from the rows they deleted). */
    default boolean capped() {
        return false;
    }

    /** Untimed set-up on the copy (deploy, install a function, change constraints); returns what it did, or null. */
    default String prepare(BenchDatabase db, Purge purge) throws Exception {
        return null;
    }

    /** The timed purge. */
    Outcome run(BenchDatabase db, Purge purge) throws Exception;

    /**
     * How a purge ended.
     *
     * @param finished      false when the time cap stopped it (its last, unfinished transaction was rolled back)
     * @param rowsProcessed rows it deleted before it stopped, the rolled-back transaction included (the rate of a capped
     *                      method), or -1 to take the rows deleted from the database
     * @param longest       its longest single transaction
     * @param backupBytes   size of what it kept to undo the purge (0: nothing)
     */
    record Outcome(boolean finished, long rowsProcessed, Duration longest, long backupBytes, String note) {
    }
}
