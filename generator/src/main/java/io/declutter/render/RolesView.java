package io.declutter.render;

import java.util.List;

/**
 * What roles.sql prints (docs/roles.md), decided and quoted: templates only lay it out.
 *
 * @param owner          owner role, quoted; owns the framework, the backups and the procedures
 * @param operator       operator role, quoted: starts, steps and stops runs
 * @param viewer         viewer role, quoted: reads runs, control, progress and log
 * @param restorer       restorer role, quoted: rolls runs back
 * @param roles          every role with its duty, in that order
 * @param schemas        application schemas the purge works in, quoted
 * @param purgedTables   closure tables (read, backed up, deleted, restored), quoted and qualified
 * @param nullifiedTables tables outside the closure whose references the database resets and rollback writes back
 * @param triggerTables  tables the kept DELETE triggers write (the triggers run with the owner's rights)
 * @param triggerOwnedTables tables whose DELETE triggers the job disables (ALTER TABLE: owner of the table only)
 * @param sequences      closure columns whose sequences rollback moves forward: table (a regclass literal), column
 * @param backups        the job's backup tables, quoted and qualified
 * @param definer        the job's functions and procedures that run with the owner's rights (unqualified names)
 * @param invoker        the job's procedures that commit, which PostgreSQL cannot run with another role's rights
 * @param operatorCalls  what the operator may call directly
 * @param viewerCalls    what the viewer may call directly
 * @param restorerCalls  what the restorer may call directly
 */
public record RolesView(String owner, String operator, String viewer, String restorer, List<Role> roles,
                        List<String> schemas, List<String> purgedTables, List<String> nullifiedTables,
                        List<String> triggerTables, List<String> triggerOwnedTables, List<SequenceView> sequences,
                        List<String> backups, List<String> definer, List<String> invoker, List<String> operatorCalls,
                        List<String> viewerCalls, List<String> restorerCalls) {

    /**
     * One role: quoted name, name as a string literal, its duty, and whether the job file named it (then it must
     * exist; a default-named role is created when missing).
     */
    public record Role(String name, String literal, String duty, boolean named) {
    }

    public RolesView {
        roles = List.copyOf(roles);
        schemas = List.copyOf(schemas);
        purgedTables = List.copyOf(purgedTables);
        nullifiedTables = List.copyOf(nullifiedTables);
        triggerTables = List.copyOf(triggerTables);
        triggerOwnedTables = List.copyOf(triggerOwnedTables);
        sequences = List.copyOf(sequences);
        backups = List.copyOf(backups);
        definer = List.copyOf(definer);
        invoker = List.copyOf(invoker);
        operatorCalls = List.copyOf(operatorCalls);
        viewerCalls = List.copyOf(viewerCalls);
        restorerCalls = List.copyOf(restorerCalls);
    }

    /** The names as a SQL array literal of text, for the loops over the catalog. */
    /** The framework's tables, from the list the generator deploys (so a new one is never left out of roles.sql). */
    public List<String> frameworkTables() {
        return PostgresObjects.FRAMEWORK_TABLES;
    }

    public String array(List<String> names) {
        return "ARRAY[" + String.join(", ", names.stream().map(Sql::literal).toList()) + "]::text[]";
    }
}
