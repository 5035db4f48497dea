package io.declutter.render;

import java.util.List;

/**
 * What the run checks before its first delete: every foreign key acting on a purged table, or on any partition of
 * one, must be an edge of the plan (docs/design.md#invariants, invariant 8).
 *
 * @param purgedTables the closure tables, each as an SQL expression of type regclass
 * @param known        the plan's foreign keys, followed, nulled or skipped, by child table and constraint name
 * @param defaults     the ON DELETE SET DEFAULT edges whose reset writes values the data must accept
 * @param resetChecks  the CHECK constraints the rows reset by SET NULL / SET DEFAULT edges must satisfy
 * @param blocking     the NO ACTION / RESTRICT keys from excluded tables: no row of theirs may reference a purged row
 */
public record ForeignKeyCheckView(List<String> purgedTables, List<Known> known, List<DefaultCheck> defaults,
                                  List<ResetCheck> resetChecks, List<Blocking> blocking) {

    /**
     * A NO ACTION or RESTRICT foreign key from an excluded table into the closure: a row {@code c} of it referencing a
     * backed-up parent row {@code p} would make that parent's delete fail half-way through the run, so the run refuses
     * before its first delete (docs/design.md#foreign-key-check-before-the-first-delete).
     *
     * @param childTable   the excluded table declaring the key (alias {@code c})
     * @param parentBackup the parent's backup table (alias {@code p})
     * @param parentMatch  {@code c} references the backed-up parent row {@code p}
     */
    public record Blocking(String description, String childTable, String parentBackup, String parentMatch) {
    }

    /**
     * A CHECK constraint the database evaluates on the child rows an ON DELETE SET NULL / SET DEFAULT edge resets:
     * the run looks for a row {@code c} referencing a purged parent row whose reset copy fails it.
     *
     * @param resetRow   a select list of {@code c}'s columns with the reset ones replaced by their new values, named
     *                   as the columns (the constraint's expression is evaluated over it)
     * @param expression the constraint's expression, on the columns unqualified
     */
    public record ResetCheck(String description, String constraint, String childTable, String parentBackup,
                             String parentMatch, String resetRow, String expression) {
    }

    /**
     * An ON DELETE SET DEFAULT edge: the database writes the columns' defaults into every child row {@code c} that
     * references a purged parent row, then checks the foreign key; the run must find, for each such row, a parent
     * row {@code x} with the new key that the run does not purge, or the parent's batch would fail.
     *
     * @param childTable   the live child table (alias {@code c})
     * @param parentBackup the parent's backup table (aliases {@code p} and {@code b})
     * @param parentMatch  {@code c} references the backed-up parent row {@code p}
     * @param parentTable  the live parent table (alias {@code x})
     * @param target       {@code x} holds the key {@code c} gets once reset
     * @param checked      the key {@code c} gets is checked at all (no part of it null: MATCH SIMPLE)
     * @param backedUp     {@code x} is the backed-up parent row {@code b}, purged by this run
     */
    public record DefaultCheck(String description, String childTable, String parentBackup, String parentMatch,
                               String parentTable, String target, String checked, String backedUp) {
    }

    /** A foreign key the plan knows: its child table (a regclass expression) and its name (a string literal). */
    public record Known(String childTable, String constraint) {
    }

    public ForeignKeyCheckView {
        purgedTables = List.copyOf(purgedTables);
        known = List.copyOf(known);
        defaults = List.copyOf(defaults);
        resetChecks = List.copyOf(resetChecks);
        blocking = List.copyOf(blocking);
        if (purgedTables.isEmpty()) {
            throw new IllegalArgumentException("a purge has at least its root table");
        }
    }
}
