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
 * edges, trees through a NOT NULL self-reference, cycles through DEFERRABLE NOT NULL foreign keys, tables without a
 * key, DELETE triggers writing outside the closure and row-level security.
 *
 * <p>Turn switches on with {@code -Ddeclutter.random.unsupported=bookkeeping_column,not_null_cycle} (or {@code all}).
 */
enum Unsupported {

    /** A cycle across 2 or 3 tables through NOT NULL, non-deferrable foreign keys only: refused by plan. */
    NOT_NULL_CYCLE("CYCLE"),
    /**
     * A tree through a NOT NULL self-reference whose table is also part of a cycle with other tables (a lone such
     * tree is supported: deleted children first): refused by plan.
     */
    NOT_NULL_TREE_IN_CYCLE("CYCLE"),
    /**
     * A column named like one of the backup tables' bookkeeping columns ({@code declutter_run}, {@code
     * declutter_seq}): refused by plan (the backup table could not hold it).
     */
    BOOKKEEPING_COLUMN("RESERVED_COLUMN");

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
