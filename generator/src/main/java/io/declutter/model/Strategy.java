package io.declutter.model;

/** What the purge does with the child rows of an edge. */
public enum Strategy {
    /** Back up and delete the child rows (and follow their own children). */
    DELETE,
    /**
     * ON DELETE SET NULL / SET DEFAULT: the child rows stay; the database resets their columns when the parent
     * goes. The purge records the old values first and rollback puts them back. The edge is not followed.
     */
    SET_NULL,
    /** The edge leads into an excluded table: nothing is cached or deleted through it. */
    SKIP;

    /** As the control table spells it. */
    public String sql() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
