package io.declutter.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The job file's {@code startWhen} section (docs/throttle.md#start-thresholds): a run starts only when at least one of
 * the given thresholds is reached; below all of them {@code run} does nothing and says why. Absent: always start.
 *
 * @param rootRows       matching root rows (jobs with {@code root.where} only)
 * @param deadTuples     dead tuples of a table
 * @param deadTupleRatio dead tuples of a table as a share of its live and dead tuples (0 to 1)
 * @param tableSize      size of a table with its indexes and TOAST, in bytes
 */
public record StartWhen(OptionalLong rootRows, Optional<TableThreshold> deadTuples,
                        Optional<TableThreshold> deadTupleRatio, Optional<TableThreshold> tableSize) {

    public static final StartWhen ALWAYS = new StartWhen(OptionalLong.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    /** A threshold on one table. */
    public record TableThreshold(TableName table, double over) {
        public TableThreshold {
            Objects.requireNonNull(table, "table");
        }
    }

    public StartWhen {
        if (rootRows.isPresent() && rootRows.getAsLong() < 1) {
            throw new InvalidJobException("startWhen.rootRows must be at least 1");
        }
        deadTuples.ifPresent(t -> atLeast("deadTuples", t, 1));
        tableSize.ifPresent(t -> atLeast("tableSize", t, 1));
        deadTupleRatio.ifPresent(t -> {
            if (!(t.over() > 0 && t.over() <= 1)) {
                throw new InvalidJobException("startWhen.deadTupleRatio.over must be more than 0 and at most 1"
                        + " (a share of the table's tuples, e.g. 0.2)");
            }
        });
    }

    /** Whether there is any threshold (else every run starts). */
    public boolean any() {
        return rootRows.isPresent() || deadTuples.isPresent() || deadTupleRatio.isPresent() || tableSize.isPresent();
    }

    private static void atLeast(String name, TableThreshold t, double min) {
        if (t.over() < min) {
            throw new InvalidJobException("startWhen." + name + ".over must be at least " + (long) min);
        }
    }
}
