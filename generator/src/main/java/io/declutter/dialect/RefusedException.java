package io.declutter.dialect;

/**
 * Something a dialect's runtime SQL refuses to do, with a message that says what is wrong and what to do (a job that
 * is not deployed, a predicate that does not parse, a job another session holds). The runner turns the kind into its
 * exit code.
 */
public final class RefusedException extends RuntimeException {

    private final ErrorKind kind;

    public RefusedException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RefusedException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
