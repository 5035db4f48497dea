package io.declutter.runner.serve;

import io.declutter.runner.ExitCodes;

/**
 * A refusal or failure of an API call, answered as {@code {"error":{"code","exitCode","message"}}} with the HTTP
 * status that means what the CLI's exit code means (docs/serve.md#errors). A refused call changes nothing.
 */
public final class ApiError extends RuntimeException {

    /** The kinds of answer, each with its HTTP status and the CLI's exit code of the same meaning. */
    public enum Kind {
        UNAUTHORIZED(401, "unauthorized", ExitCodes.BAD_INPUT),
        FORBIDDEN(403, "forbidden", ExitCodes.BAD_INPUT),
        BAD_INPUT(400, "bad_input", ExitCodes.BAD_INPUT),
        NOT_FOUND(404, "not_found", ExitCodes.BAD_INPUT),
        BUSY(409, "busy", ExitCodes.STOPPED),
        NO_DATABASE(503, "no_database", ExitCodes.NO_DATABASE),
        FAILED(500, "failed", ExitCodes.FAILED);

        private final int status;
        private final String code;
        private final int exitCode;

        Kind(int status, String code, int exitCode) {
            this.status = status;
            this.code = code;
            this.exitCode = exitCode;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public ApiError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ApiError(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
