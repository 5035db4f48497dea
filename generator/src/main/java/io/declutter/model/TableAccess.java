package io.declutter.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the catalog says about running statements on a table as the role that read it (plan connects as the role that
 * runs the purge): row-level security, DELETE rules, exclusion constraints and missing privileges. Each is a way a
 * batch or a rollback can fail, or silently do less than planned, for a reason known before the run
 * (docs/design.md#failures-the-catalog-shows-before-the-run). A catalog that does not say (Oracle's, recorded catalogs made before these were read)
 * reads as {@link #UNKNOWN}: nothing is reported.
 *
 * @param role                 the role that read the catalog, as an SQL identifier (quoted where needed); empty when
 *                             not read
 * @param quotedName           the table's schema-qualified name as an SQL identifier, for GRANT and ALTER statements
 * @param rowSecurity          row-level security is enabled on the table (PostgreSQL relrowsecurity)
 * @param rowSecurityBypassed  the role is not subject to it: superuser, BYPASSRLS, or the table's owner (or a member
 *                             of the owner role) while the table does not FORCE ROW LEVEL SECURITY
 * @param forceRowSecurity     FORCE ROW LEVEL SECURITY: policies apply to the owner too
 * @param owner                the table's owner role as an SQL identifier; empty when not read
 * @param policies             names of the table's policies, in name order
 * @param missingPrivileges    of SELECT, INSERT, UPDATE, DELETE: those the role does not hold on the table, in that
 *                             order; empty Optional when not read
 * @param exclusionConstraints exclusion constraints of the table and of its partitions
 * @param insteadDeleteRules   enabled DO INSTEAD rules ON DELETE: a DELETE on the table does something else
 * @param alsoDeleteRules      enabled DO ALSO rules ON DELETE: a DELETE also runs their statements
 * @param sequences            sequences owned by or called by a column of the table on which the role lacks a
 *                             privilege rollback needs to move them
 */
public record TableAccess(String role, String quotedName, boolean rowSecurity, boolean rowSecurityBypassed, boolean forceRowSecurity, String owner,
                          List<String> policies, Optional<List<String>> missingPrivileges,
                          List<String> exclusionConstraints, List<String> insteadDeleteRules,
                          List<String> alsoDeleteRules, List<SequenceGrant> sequences) {

    /** Nothing known: no finding can be made. */
    public static final TableAccess UNKNOWN = new TableAccess("", "", false, true, false, "", List.of(), Optional.empty(),
            List.of(), List.of(), List.of(), List.of());

    /** The table privileges a purge and its rollback use, in the order they are reported. */
    public static final List<String> TABLE_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

    public TableAccess {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(quotedName, "quotedName");
        Objects.requireNonNull(owner, "owner");
        policies = List.copyOf(policies);
        Objects.requireNonNull(missingPrivileges, "missingPrivileges");
        missingPrivileges = missingPrivileges.map(List::copyOf);
        missingPrivileges.ifPresent(m -> m.forEach(p -> {
            if (!TABLE_PRIVILEGES.contains(p)) {
                throw new IllegalArgumentException("unknown table privilege " + p);
            }
        }));
        exclusionConstraints = List.copyOf(exclusionConstraints);
        insteadDeleteRules = List.copyOf(insteadDeleteRules);
        alsoDeleteRules = List.copyOf(alsoDeleteRules);
        sequences = List.copyOf(sequences);
    }

    /** Whether policies filter the rows the role sees, updates and deletes. */
    public boolean rowsFiltered() {
        return rowSecurity && !rowSecurityBypassed;
    }

    /**
     * A sequence that a column of the table uses, and the privileges the role lacks on it: {@code UPDATE} (setval)
     * and {@code USAGE or SELECT} (reading its state), as rollback's advance_sequence needs them.
     *
     * @param column   the column that owns the sequence or whose default calls it
     * @param sequence the sequence's name as PostgreSQL prints a regclass (schema-qualified when not on the path)
     * @param missing  the privileges lacking, never empty
     */
    public record SequenceGrant(String column, String sequence, List<String> missing) {

        public SequenceGrant {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(sequence, "sequence");
            missing = List.copyOf(missing);
            if (missing.isEmpty()) {
                throw new IllegalArgumentException("sequence " + sequence + ": no privilege missing");
            }
        }
    }
}
