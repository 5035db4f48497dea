package io.declutter.runner.audit;

import java.util.Objects;

/**
 * One thing the audit found on a table, with the space acting on it would give back (0 when it is not about space)
 * and, where one fits, a suggestion: a job file snippet or a statement.
 */
public record Finding(Kind kind, String table, long reclaimableBytes, String detail, String suggestion) {

    /** What kind of clutter or risk (docs/audit.md#findings). */
    public enum Kind {
        BLOAT("bloat"), DEAD_TUPLES("dead tuples"), BACKUP_TABLE("backup table"), NO_WRITES("no writes"),
        RETENTION("append-only"), UNINDEXED_FOREIGN_KEY("unindexed FK"), FOREIGN_KEY_INTO_PARTITION("FK into partition");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(detail, "detail");
        if (reclaimableBytes < 0) {
            throw new IllegalArgumentException("reclaimable bytes " + reclaimableBytes);
        }
    }
}
