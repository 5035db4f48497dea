package io.declutter.model;

/** Identity kind of a column, as in SQL:2003 {@code GENERATED ... AS IDENTITY}. */
public enum Identity {
    NONE,
    /** Values can only be supplied with {@code OVERRIDING SYSTEM VALUE}. */
    ALWAYS,
    BY_DEFAULT
}
