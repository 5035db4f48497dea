package io.declutter.model;

/** What the purge does with the child rows of an edge. */
public enum Strategy {
    /** Back up and delete the child rows (and follow their own children). */
    DELETE,
    /** The edge leads into an excluded table: nothing is cached or deleted through it. */
    SKIP
}
