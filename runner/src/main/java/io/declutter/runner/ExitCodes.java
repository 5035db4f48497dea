package io.declutter.runner;

import io.declutter.dialect.ErrorKind;

/** Exit codes of every declutter command (also listed in --help, by DeclutterCommand, and in the README). */
public final class ExitCodes {
    /** Done: the command did all it was asked. */
    public static final int OK = 0;
    /** A run or a rehearsal failed, or a check did not hold (verify, demo); details are printed and in declutter.log. */
    public static final int FAILED = 1;
    /**
     * Bad input: usage, job file, unknown table, bad predicate, unresolvable cycle, unknown run, or the role connected
     * lacks a privilege the command needs (docs/roles.md). Nothing was changed.
     */
    public static final int BAD_INPUT = 2;
    /** The database cannot be reached or refused the login. Nothing was changed. */
    public static final int NO_DATABASE = 3;
    /** Stopped before the end (window over, stop file, pause request): run again to resume. */
    public static final int STOPPED = 4;

    private ExitCodes() {
    }

    /** The exit code of a command ended by a database error or refusal of this kind. */
    public static int of(ErrorKind kind) {
        return switch (kind) {
            case BAD_INPUT, NO_PRIVILEGE -> BAD_INPUT;
            case BUSY -> STOPPED;
            case LOGIN_REFUSED, UNKNOWN_DATABASE, UNREACHABLE -> NO_DATABASE;
            case RETRY, OTHER -> FAILED;
        };
    }
}
