package io.declutter.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a job chooses its root rows (docs/design.md#jobs): a condition on the root table, keys given to each run, the
 * orphans of a reference (docs/design.md#orphan-roots), or all but one row of each group of duplicates
 * (docs/design.md#duplicate-roots). Every kind then purges its root rows with their closure the same way.
 */
public sealed interface RootRows {

    /** Words for plan, the generated files' headers and the logs, after the root table's name. */
    String describe();

    /** {@code root.where}: the rows of the root table the condition selects. */
    record Where(String predicate) implements RootRows {
        public Where {
            Objects.requireNonNull(predicate, "predicate");
        }

        @Override
        public String describe() {
            return " WHERE " + predicate;
        }
    }

    /** {@code root.keys: runtime}: the rows whose keys each run is given. */
    record KeysAtRunTime() implements RootRows {
        @Override
        public String describe() {
            return ", keys given per run";
        }
    }

    /**
     * {@code root.orphansOf}: the child rows of a reference whose parent row does not exist; a NULL in any referencing
     * column is no orphan (docs/design.md#orphan-roots).
     *
     * @param reference the name of a logical reference of the job file, or of a foreign key written
     *                  {@code schema.table.constraint}
     * @param key       the reference as a foreign key of the catalog, once the plan has resolved it; empty before
     */
    record OrphansOf(String reference, Optional<ForeignKey> key) implements RootRows {
        public OrphansOf(String reference) {
            this(reference, Optional.empty());
        }

        public OrphansOf {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(key, "key");
            if (reference.isBlank()) {
                throw new InvalidJobException("'root.orphansOf' is empty: name a logical reference of the job file's"
                        + " 'references' list, or a foreign key as schema.table.constraint");
            }
        }

        @Override
        public String describe() {
            return ": orphans of " + key.map(k -> k.name() + " " + k.display()).orElse(reference)
                    + " (rows whose parent row does not exist)";
        }
    }

    /** Which row of a group of duplicates stays. */
    record Keep(Order order, Optional<String> column) {
        /** By a column (newest: its greatest value), or by the table's primary key (lowest, highest). */
        public enum Order { NEWEST, OLDEST, LOWEST, HIGHEST }

        public Keep {
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(column, "column");
            boolean byColumn = order == Order.NEWEST || order == Order.OLDEST;
            if (byColumn != column.isPresent() || column.isPresent() && column.get().isBlank()) {
                throw new InvalidJobException("'root.keep' is 'newest by COLUMN', 'oldest by COLUMN', 'lowest' or"
                        + " 'highest' (by the primary key)");
            }
        }

        public String describe() {
            return order.name().toLowerCase(Locale.ROOT) + column.map(c -> " by " + c).orElse(" by the primary key");
        }
    }

    /**
     * {@code root.duplicatesOf}: every row of the table but one per value of {@code key}; rows with a NULL in any key
     * expression are no duplicates (docs/design.md#duplicate-roots).
     *
     * @param key       SQL expressions over the table's columns whose values together make rows duplicates
     * @param tieBreak  the columns of the table's key, which break ties deterministically, once the plan has resolved
     *                  them; empty before
     * @param repoint   {@code children: repoint}: the rows referencing a duplicate are first re-pointed to the row
     *                  kept of its group, and only the duplicates themselves are purged (docs/design.md#re-pointing)
     */
    record DuplicatesOf(List<String> key, Keep keep, List<String> tieBreak, boolean repoint) implements RootRows {
        public DuplicatesOf(List<String> key, Keep keep) {
            this(key, keep, List.of(), false);
        }

        public DuplicatesOf(List<String> key, Keep keep, boolean repoint) {
            this(key, keep, List.of(), repoint);
        }

        public DuplicatesOf(List<String> key, Keep keep, List<String> tieBreak) {
            this(key, keep, tieBreak, false);
        }

        public DuplicatesOf {
            Objects.requireNonNull(keep, "keep");
            key = List.copyOf(key);
            tieBreak = List.copyOf(tieBreak);
            if (key.isEmpty()) {
                throw new InvalidJobException("'root.key' is empty: give the expressions whose values make rows"
                        + " duplicates, e.g. key: [lower(email)]");
            }
            for (String k : key) {
                if (k.isBlank()) {
                    throw new InvalidJobException("'root.key' holds an empty expression; give SQL expressions over"
                            + " the table's columns, e.g. key: [lower(email)]");
                }
                k.chars().filter(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\t').findFirst()
                        .ifPresent(ch -> {
                            throw new InvalidJobException("'root.key' expression '" + k.strip() + "' contains the"
                                    + String.format(" control character U+%04X", ch) + " (invisible in review); write"
                                    + " it with plain line breaks");
                        });
            }
        }

        @Override
        public String describe() {
            return ": duplicates by " + String.join(", ", key) + ", keeping the " + keep.describe()
                    + (repoint ? ", their referencing rows re-pointed to the kept row" : "");
        }
    }
}
