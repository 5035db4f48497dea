package io.declutter.dialect;

/**
 * What a database error means to the runner, whatever the database: each dialect maps its own codes (SQLSTATEs on
 * PostgreSQL, ORA- numbers on Oracle) to one of these ({@link Dialect#classify}), and the runner decides on the kind
 * alone: retry the unit, report bad input, report the database as unreachable.
 */
public enum ErrorKind {
    /** A lock or statement timeout ended the unit of work, which was rolled back whole: run it again. */
    RETRY,
    /** The input does not fit the database (unknown table or column, a predicate that does not parse). Nothing changed. */
    BAD_INPUT,
    /** Another session is working on the job (a runner, or the in-database delete procedure). Nothing changed. */
    BUSY,
    /**
     * The role connected lacks a privilege the command needs (docs/roles.md): connect as one that has it. Nothing
     * changed.
     */
    NO_PRIVILEGE,
    /** The login was refused (user or password). */
    LOGIN_REFUSED,
    /** The server answers but has no database of that name. */
    UNKNOWN_DATABASE,
    /** The server cannot be reached, or the session was ended (network, restart, terminated by an administrator). */
    UNREACHABLE,
    /** Anything else: a failure reported as it is. */
    OTHER
}
