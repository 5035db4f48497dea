package io.declutter.plan;

import io.declutter.model.Finding;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.Job;
import io.declutter.model.NullifiedEdge;
import io.declutter.model.PurgeTable;
import io.declutter.model.Table;
import io.declutter.model.TableAccess;
import io.declutter.model.TableAccess.SequenceGrant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reasons known from the catalog why a batch or a rollback would fail, or do less than planned, when the job runs as
 * the role that read the catalog: row-level security hiding rows from it, DELETE rules, exclusion constraints and
 * missing privileges (docs/design.md#failures-the-catalog-shows-before-the-run). Each finding says what to do. What the catalog does not say
 * ({@link TableAccess#UNKNOWN}: Oracle, recorded catalogs) gives no finding.
 */
final class RunHazards {

    private RunHazards() {
    }

    /**
     * The findings for the closure tables {@code tables} and the children {@code nullified} edges reset (the purge
     * records and locks those rows, rollback writes them back).
     */
    static List<Finding> of(Job job, List<PurgeTable> tables, List<NullifiedEdge> nullified) {
        List<Finding> findings = new ArrayList<>();
        Set<io.declutter.model.TableName> purged = new java.util.HashSet<>();
        for (PurgeTable t : tables) {
            purged.add(t.name());
            rowSecurity(t.table(), false, findings);
            rules(t.table(), findings);
            if (job.backup()) {
                exclusion(t.table(), findings);
            }
        }
        Map<io.declutter.model.TableName, List<String>> needed = new LinkedHashMap<>();
        Map<io.declutter.model.TableName, Table> byName = new LinkedHashMap<>();
        for (PurgeTable t : tables) {
            // SELECT caches and backs rows up, UPDATE is what SELECT ... FOR UPDATE locks them with, DELETE deletes
            // them, INSERT is rollback's re-insert.
            needed.put(t.name(), job.backup() ? TableAccess.TABLE_PRIVILEGES : List.of("SELECT", "UPDATE", "DELETE"));
            byName.put(t.name(), t.table());
        }
        for (NullifiedEdge n : nullified) {
            if (!purged.contains(n.child().name()) && !needed.containsKey(n.child().name())) {
                rowSecurity(n.child(), true, findings);
                // the purge reads and locks (FOR UPDATE) the rows the database resets; rollback writes them back
                needed.put(n.child().name(), List.of("SELECT", "UPDATE"));
                byName.put(n.child().name(), n.child());
            }
        }
        needed.forEach((name, privileges) -> privileges(byName.get(name), privileges, findings));
        if (job.backup()) {
            for (PurgeTable t : tables) {
                sequences(t, findings);
            }
        }
        return findings;
    }

    private static void rowSecurity(Table table, boolean resetChild, List<Finding> findings) {
        TableAccess a = table.access();
        if (!a.rowsFiltered()) {
            return;
        }
        String role = a.role();
        String policies = a.policies().isEmpty() ? "no policy, so every row is hidden"
                : (a.policies().size() == 1 ? "policy " : "policies ") + String.join(", ", a.policies());
        String why = a.forceRowSecurity() ? "the table FORCEs row-level security, which binds its owner too"
                : "role " + role + " is not its owner " + a.owner() + ", a superuser, or a role with BYPASSRLS";
        String effect = resetChild
                ? " the database resets the foreign key in every referencing row (it checks and acts as the table's"
                + " owner), but the purge records only the rows it sees, so rollback cannot restore the others."
                : " the purge sees, locks and deletes only the rows the policies let it, so the closure misses the"
                + " others: the run fails mid-way when one of them still references a deleted row, or the database"
                + " deletes them by ON DELETE CASCADE without a backup.";
        String fix = "Run the job as a role that bypasses row-level security: the owner " + a.owner()
                + (a.forceRowSecurity() ? " after ALTER TABLE " + a.quotedName() + " NO FORCE ROW LEVEL SECURITY" : "")
                + ", or a role with BYPASSRLS (ALTER ROLE " + role + " BYPASSRLS, which a superuser runs)"
                + (resetChild ? "; or follow the edge as a delete with an 'edges' override and run as such a role."
                : ".");
        findings.add(new Finding(Severity.ERROR, Kind.ROW_SECURITY, table.name().display(), "table " + table.name()
                + " has row-level security enabled (" + policies + ") and " + why + ":" + effect + " " + fix));
    }

    private static void rules(Table table, List<Finding> findings) {
        TableAccess a = table.access();
        if (!a.insteadDeleteRules().isEmpty()) {
            findings.add(new Finding(Severity.ERROR, Kind.DELETE_RULE, table.name().display(), "table " + table.name()
                    + " has DO INSTEAD " + rules(a.insteadDeleteRules()) + " ON DELETE: a DELETE on it runs the rule"
                    + " instead of deleting (for a conditional rule, on the rows its condition selects), so the purge"
                    + " would back up rows it cannot delete and the run would fail, or delete less than planned, at"
                    + " the first batch. Disable the rule for the run (" + disable(a, a.insteadDeleteRules())
                    + " takes a lock on the table; ENABLE RULE afterwards), or exclude " + table.name()
                    + " from the job."));
        }
        if (!a.alsoDeleteRules().isEmpty()) {
            findings.add(new Finding(Severity.WARNING, Kind.DELETE_RULE, table.name().display(), "table "
                    + table.name() + " has DO ALSO " + rules(a.alsoDeleteRules()) + " ON DELETE: each purge batch"
                    + " also runs its statements, which may change rows declutter neither backs up nor restores"
                    + " (rollback does not fire rules). Check what it writes, or disable it for the run ("
                    + disable(a, a.alsoDeleteRules()) + "; ENABLE RULE afterwards)."));
        }
    }

    private static String rules(List<String> names) {
        return (names.size() == 1 ? "rule " : "rules ") + String.join(", ", names);
    }

    private static String disable(TableAccess a, List<String> rules) {
        return String.join("; ", rules.stream().map(r -> "ALTER TABLE " + a.quotedName() + " DISABLE RULE "
                + r).toList());
    }

    private static void exclusion(Table table, List<Finding> findings) {
        List<String> constraints = table.access().exclusionConstraints();
        if (constraints.isEmpty()) {
            return;
        }
        findings.add(new Finding(Severity.WARNING, Kind.EXCLUSION, table.name().display(), "table " + table.name()
                + " has exclusion " + (constraints.size() == 1 ? "constraint " : "constraints ")
                + String.join(", ", constraints) + ": the purge is not affected, but rollback can fail if rows"
                + " inserted after the purge conflict with the restored ones under " + (constraints.size() == 1
                ? "it" : "them") + " (the rollback is then undone as a whole, restoring nothing). Delete or change"
                + " the conflicting rows, and roll back again."));
    }

    private static void privileges(Table table, List<String> needed, List<Finding> findings) {
        TableAccess a = table.access();
        if (a.missingPrivileges().isEmpty()) {
            return;
        }
        List<String> missing = needed.stream().filter(a.missingPrivileges().get()::contains).toList();
        if (missing.isEmpty()) {
            return;
        }
        findings.add(new Finding(Severity.ERROR, Kind.PRIVILEGE, table.name().display(), "role " + a.role()
                + " lacks " + String.join(", ", missing) + " on table " + table.name() + ", which the job needs ("
                + String.join("; ", missing.stream().map(RunHazards::use).toList()) + "). Grant "
                + (missing.size() == 1 ? "it" : "them") + " (as the owner " + a.owner() + "): GRANT "
                + String.join(", ", missing) + " ON " + a.quotedName() + " TO " + a.role() + ";"));
    }

    private static String use(String privilege) {
        return switch (privilege) {
            case "SELECT" -> "SELECT to find and back up the rows";
            case "UPDATE" -> "UPDATE to lock them with SELECT ... FOR UPDATE and for rollback to write values back";
            case "DELETE" -> "DELETE to delete them";
            case "INSERT" -> "INSERT for rollback to restore them";
            default -> throw new IllegalArgumentException(privilege);
        };
    }

    /** Sequences rollback moves: those behind the columns {@link PurgeTable#sequenceColumns()} lists. */
    private static void sequences(PurgeTable t, List<Finding> findings) {
        Set<String> columns = new java.util.HashSet<>(t.sequenceColumns().stream().map(c -> c.name()).toList());
        TableAccess a = t.table().access();
        for (SequenceGrant s : a.sequences()) {
            if (!columns.contains(s.column())) {
                continue;
            }
            String grant = s.missing().contains("UPDATE") ? "UPDATE" : "";
            if (s.missing().contains("USAGE or SELECT")) {
                grant = grant.isEmpty() ? "USAGE" : "USAGE, UPDATE";
            }
            findings.add(new Finding(Severity.ERROR, Kind.PRIVILEGE, s.sequence(), "role " + a.role() + " lacks "
                    + String.join(" and ", s.missing().stream().map(m -> m.equals("USAGE or SELECT") ? "USAGE (or SELECT)" : m)
                    .toList()) + " on sequence " + s.sequence() + " of " + t.name() + "."
                    + s.column() + ", which rollback moves past the values it restores (it reads the sequence's"
                    + " state and calls setval), so a rollback would fail. Grant what it lacks (as the sequence's owner): GRANT " + grant
                    + " ON SEQUENCE " + s.sequence() + " TO " + a.role() + ";"));
        }
    }
}
