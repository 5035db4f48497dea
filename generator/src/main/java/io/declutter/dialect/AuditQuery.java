package io.declutter.dialect;

import java.util.Locale;

/**
 * The statements of {@code declutter audit} every dialect provides, each as a resource file {@code audit/<name>.sql}
 * next to its catalog queries; every dialect's version returns the same column aliases (docs/audit.md).
 */
public enum AuditQuery {
    /** Session settings: read-only transactions, a lock timeout (statements separated by a line ending in ';'). */
    SESSION,
    /** Starts each read-only transaction of the audit. */
    READ_BEGIN,
    TABLES, UNINDEXED_FOREIGN_KEYS, PARTITION_FOREIGN_KEYS, BACKUP_TABLES, FRAMEWORK_PRESENT, BACKUP_RUNS,
    /** Starts the save's read-write transaction; then creates the table of saved audits when missing (statements separated by a line ending in ';'). */
    SAVE_CREATE, SAVE_BEGIN, SAVE_LOCK, SAVE_NEXT_ID, SAVE_INSERT, SAVED;

    public String resourceName() {
        return "audit/" + name().toLowerCase(Locale.ROOT) + ".sql";
    }
}
