package io.declutter.model;

/** The referential action a foreign key takes when its parent row is deleted. */
public enum OnDelete {
    NO_ACTION("NO ACTION"),
    RESTRICT("RESTRICT"),
    CASCADE("CASCADE"),
    SET_NULL("SET NULL"),
    SET_DEFAULT("SET DEFAULT");

    private final String sql;

    OnDelete(String sql) {
        this.sql = sql;
    }

    /** The action as SQL spells it. */
    public String sql() {
        return sql;
    }
}
