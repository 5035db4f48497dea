package io.declutter.runner.serve;

import io.javalin.security.RouteRole;

import java.util.Locale;

/**
 * The roles of the HTTP API's clients, ordered: a higher role may do all a lower one may (docs/serve.md#roles).
 * {@link #NONE} marks the routes anyone may call (health, the OpenAPI description).
 */
public enum Role implements RouteRole {
    /** No token needed. */
    NONE,
    /** Reads jobs, runs, progress, verify, receipts, the audit; never a backup's contents. */
    VIEWER,
    /** Also triggers and stops runs. */
    OPERATOR,
    /** Also rolls runs back and expires their backups. */
    ADMIN;

    /** Whether a client of this role may call a route that needs {@code needed}. */
    public boolean mayDo(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** As the tokens file and the API spell it: viewer, operator, admin. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of that name (viewer, operator, admin); empty for any other text. */
    public static java.util.Optional<Role> parse(String text) {
        for (Role r : values()) {
            if (r != NONE && r.text().equals(text)) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }
}
