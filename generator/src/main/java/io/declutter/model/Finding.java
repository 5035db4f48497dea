package io.declutter.model;

import java.util.Objects;

/** Something the pre-flight checks of {@code plan} want a DBA to know; ERROR findings stop the job. */
public record Finding(Severity severity, Kind kind, String subject, String message) {

    public enum Severity { INFO, WARNING, ERROR }

    public enum Kind {
        UNINDEXED_FK("unindexed foreign key"),
        BLOCKING_EDGE("blocking edge"),
        RESET_REFUSED("refused reset"),
        SET_DEFAULT("set default"),
        RESET_CHECK("check on a reset column"),
        OVERRIDDEN_EDGE("edge override"),
        CASCADE_OUTSIDE("cascade outside closure"),
        TRIGGER("trigger"),
        CYCLE("cycle"),
        NO_KEY("no primary key"),
        RESERVED_COLUMN("reserved column name"),
        PARTITIONED("partitioned table");

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
    }
}
