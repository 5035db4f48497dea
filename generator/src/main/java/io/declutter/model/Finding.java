package io.declutter.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Something the pre-flight checks of {@code plan} want a DBA to know; ERROR findings stop the job. A finding about
 * one foreign key carries it: constraint names are unique per table only, so the name in {@code subject} alone does
 * not tell which key it is.
 */
public record Finding(Severity severity, Kind kind, String subject, String message, Optional<ForeignKey> foreignKey) {

    /** A finding that is not about one foreign key. */
    public Finding(Severity severity, Kind kind, String subject, String message) {
        this(severity, kind, subject, message, Optional.empty());
    }

    /** A finding about the foreign key {@code fk}, with its name as the subject. */
    public Finding(Severity severity, Kind kind, ForeignKey fk, String message) {
        this(severity, kind, fk.name(), message, Optional.of(fk));
    }

    public enum Severity { INFO, WARNING, ERROR }

    public enum Kind {
        UNINDEXED_FK("unindexed foreign key"),
        BLOCKING_EDGE("blocking edge"),
        RESET_REFUSED("refused reset"),
        SET_DEFAULT("set default"),
        RESET_CHECK("check on a reset column"),
        OVERRIDDEN_EDGE("edge override"),
        LOGICAL_REFERENCE("logical reference"),
        REPOINT("repoint"),
        CASCADE_OUTSIDE("cascade outside closure"),
        /** ON DELETE SET NULL / SET DEFAULT from an excluded table: nothing blocks, but rows outside are changed. */
        SET_NULL_OUTSIDE("set null outside closure"),
        TRIGGER("trigger"),
        /** A DELETE trigger on a purged table, kept enabled, that writes (or may write) outside the closure. */
        TRIGGER_WRITES("trigger writing outside closure"),
        CYCLE("cycle"),
        NO_KEY("no primary key"),
        /** A leaf without a usable key, purged by row identity (docs/design.md#tables-without-a-key). */
        ROW_IDENTITY("purged by row identity"),
        RESERVED_COLUMN("reserved column name"),
        PARTITIONED("partitioned table"),
        /** Row-level security hides rows from the role that runs the job (docs/design.md#failures-the-catalog-shows-before-the-run). */
        ROW_SECURITY("row-level security"),
        /** A rule ON DELETE on a purged table: DO INSTEAD refused, DO ALSO warned. */
        DELETE_RULE("delete rule"),
        /** An exclusion constraint that can refuse rollback's re-insert. */
        EXCLUSION("exclusion constraint"),
        /** A privilege the role that runs the job lacks on a table or sequence the job uses. */
        PRIVILEGE("missing privilege");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(foreignKey, "foreignKey");
    }
}
