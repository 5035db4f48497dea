package io.declutter.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table as the catalog describes it.
 *
 * @param indexes      the key columns of every index, in index order (used to find unindexed foreign keys)
 * @param triggers     user triggers and rules on the table, whatever they fire on (ordered by name)
 * @param rowEstimate  planner statistics; never written into generated files, which must not change with data
 * @param access       row-level security, DELETE rules, exclusion constraints and privileges of the role that read
 *                     the catalog ({@link TableAccess#UNKNOWN} when the catalog does not say)
 */
public record Table(
        TableName name,
        List<Column> columns,
        List<UniqueKey> keys,
        List<List<String>> indexes,
        List<Trigger> triggers,
        boolean partitioned,
        long rowEstimate,
        TableAccess access) {

    /** A table of a catalog that says nothing about access (see {@link TableAccess#UNKNOWN}). */
    public Table(TableName name, List<Column> columns, List<UniqueKey> keys, List<List<String>> indexes,
                 List<Trigger> triggers, boolean partitioned, long rowEstimate) {
        this(name, columns, keys, indexes, triggers, partitioned, rowEstimate, TableAccess.UNKNOWN);
    }

    public Table {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        keys = List.copyOf(keys);
        indexes = indexes.stream().map(List::copyOf).toList();
        triggers = List.copyOf(triggers);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + name + " has no columns");
        }
        if (keys.stream().filter(UniqueKey::primary).count() > 1) {
            throw new IllegalArgumentException("table " + name + " has more than one primary key");
        }
    }

    public Optional<UniqueKey> primaryKey() {
        return keys.stream().filter(UniqueKey::primary).findFirst();
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** Whether some index starts with exactly these columns (in any order), so lookups by them are cheap. */
    public boolean hasIndexLeadingWith(List<String> cols) {
        return indexes.stream().anyMatch(ix -> ix.size() >= cols.size()
                && ix.subList(0, cols.size()).containsAll(cols));
    }

    /** Names of the enabled triggers and rules that fire on DELETE: a purge fires them too. */
    public List<String> deleteTriggers() {
        return triggers.stream().filter(Trigger::firesOnDelete).map(Trigger::name).toList();
    }

    public boolean hasAlwaysIdentity() {
        return columns.stream().anyMatch(c -> c.identity() == Identity.ALWAYS);
    }
}
