package io.declutter.runner.random;

import io.declutter.model.Finding;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Schema features the product does not support yet, each a switch of {@link RandomSchema} (off in the normal
 * run). With a switch on, a case gets one instance of the feature and expects what the product does today:
 * {@link #refusal} says which {@code plan} ERROR finding (exit 2) refuses it, if any. When the product learns a feature,
 * move it out of here into {@link RandomSchema}'s normal features (with its data and, if its semantics differ from
 * "follow the edge", its expectation in {@link io.declutter.runner.testing.ClosureOracle}), as was done for ON DELETE SET NULL / SET DEFAULT
 * edges, trees through a NOT NULL self-reference and cycles through DEFERRABLE NOT NULL foreign keys.
 *
 * <p>Turn switches on with {@code -Ddeclutter.random.unsupported=no_primary_key,not_null_cycle} (or {@code all}).
 */
enum Unsupported {

    /** A cycle across 2 or 3 tables through NOT NULL, non-deferrable foreign keys only: refused by plan. */
    NOT_NULL_CYCLE("CYCLE"),
    /**
     * A tree through a NOT NULL self-reference whose table is also part of a cycle with other tables (a lone such
     * tree is supported: deleted children first): refused by plan.
     */
    NOT_NULL_TREE_IN_CYCLE("CYCLE"),
    /** A closure table without a primary key or a NOT NULL unique key: refused by plan. */
    NO_PRIMARY_KEY("NO_KEY"),
    /**
     * A column named like one of the backup tables' bookkeeping columns ({@code declutter_run}, {@code
     * declutter_seq}): refused by plan (the backup table could not hold it).
     */
    BOOKKEEPING_COLUMN("RESERVED_COLUMN"),
    /**
     * An AFTER DELETE trigger on a closure table writing a row per deleted row into an "outbox" table outside the
     * closure (issue 11 item 4, being built). Today's answer (no refusal): the purge runs, the outbox gains one row per
     * deleted row (closure and late rows of that table), which nothing backs up, and the rollback leaves it as it is.
     * When the product reports or handles such triggers, change this expectation (RandomCase#checkOutbox).
     */
    DELETE_TRIGGER_OUTSIDE(null),
    /**
     * A closure table with row-level security enabled and FORCEd, and a policy hiding every row. The suite connects as
     * a superuser, which bypasses row-level security: plan has no ERROR (its ROW_SECURITY finding is for roles whose
     * rows are filtered) and the purge runs as usual. A run as a non-superuser role is not generated.
     */
    ROW_LEVEL_SECURITY(null);

    /** Name of the {@link Finding.Kind} (resolved when asked, so that a kind the product lacks fails one case only). */
    private final String refusedAs;

    Unsupported(String refusedAs) {
        this.refusedAs = refusedAs;
    }

    /** The plan ERROR that refuses a schema with this feature today; empty when the product runs it. */
    Optional<Finding.Kind> refusal() {
        return Optional.ofNullable(refusedAs).map(Finding.Kind::valueOf);
    }

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code declutter.random.unsupported}: empty, {@code all}, or a comma list of {@link #tag}s. */
    static Set<Unsupported> parse(String value) {
        if (value == null || value.isBlank() || value.equals("none")) {
            return EnumSet.noneOf(Unsupported.class);
        }
        if (value.equals("all")) {
            return EnumSet.allOf(Unsupported.class);
        }
        Set<Unsupported> set = EnumSet.noneOf(Unsupported.class);
        for (String part : value.split(",")) {
            String p = part.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                set.add(valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("declutter.random.unsupported: unknown switch '" + part.strip()
                        + "'; known: all, " + Arrays.stream(values()).map(Unsupported::tag)
                        .collect(Collectors.joining(", ")));
            }
        }
        return set;
    }
}
