package io.declutter.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The database roles of a job's least-privilege set-up (docs/roles.md): who owns the framework, the backups and the
 * procedures, who may run and stop, who may read progress, who may roll back. {@code generate} writes them into
 * {@code roles.sql}. A role left at its default name is created there when missing; a role the job file names must
 * already exist (a misspelt name is an error, never a new role).
 *
 * @param named the roles the job file named (the others have their default names)
 */
public record DatabaseRoles(String owner, String operator, String viewer, String restorer, Set<String> named) {

    public static final String DEFAULT_OWNER = "declutter_owner";
    public static final String DEFAULT_OPERATOR = "declutter_operator";
    public static final String DEFAULT_VIEWER = "declutter_viewer";
    public static final String DEFAULT_RESTORER = "declutter_restorer";

    /**
     * Plain lower-case identifiers of at most 30 characters: the same name then works unquoted on PostgreSQL and on
     * Oracle (which folds it to upper case), and never needs quoting in a GRANT a DBA types by hand.
     */
    public static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_]{0,29}");

    /** The defaults: every role created by roles.sql when missing. */
    public static final DatabaseRoles DEFAULT = new DatabaseRoles(DEFAULT_OWNER, DEFAULT_OPERATOR, DEFAULT_VIEWER,
            DEFAULT_RESTORER, Set.of());

    public DatabaseRoles {
        Objects.requireNonNull(named, "named");
        named = Set.copyOf(named);
        List<String> all = List.of(role("owner", owner), role("operator", operator), role("viewer", viewer),
                role("restorer", restorer));
        Set<String> seen = new HashSet<>();
        for (String r : all) {
            if (!seen.add(r)) {
                throw new InvalidJobException("roles: the role " + r + " is given for two duties; owner, operator,"
                        + " viewer and restorer must be four different roles, or one could do what another may not");
            }
        }
        for (String n : named) {
            if (!all.contains(n)) {
                throw new InvalidJobException("roles: " + n + " is named but holds no duty");
            }
        }
    }

    private static String role(String duty, String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidJobException("roles." + duty + " is empty; give a role name or leave the setting out for"
                    + " the default");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new InvalidJobException("roles." + duty + ": '" + name + "' is not a valid role name: use 1 to 30"
                    + " characters, lower-case letters, digits and underscores, starting with a letter (e.g. app_ops)");
        }
        if (name.startsWith("pg_") || name.equals("public") || name.startsWith("sys") || name.equals("dba")) {
            throw new InvalidJobException("roles." + duty + ": '" + name + "' is reserved by the database (pg_*, public,"
                    + " sys*, dba); give a role of your own");
        }
        return name;
    }

    /** Whether the job file named this role (then roles.sql requires it to exist rather than creating it). */
    public boolean isNamed(String role) {
        return named.contains(role);
    }
}
