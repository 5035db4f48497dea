package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.Column;
import io.declutter.model.ForeignKey;
import io.declutter.model.Identity;
import io.declutter.model.OnDelete;
import io.declutter.model.Table;
import io.declutter.model.TableName;
import io.declutter.model.Trigger;
import io.declutter.model.UniqueKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Catalog} by hand for tests, without a database.
 *
 * <pre>{@code
 * Catalog c = new CatalogBuilder()
 *         .table("tenants").id()
 *         .table("users").id().references("tenants", "tenant_id")
 *         .build();
 * }</pre>
 *
 * Table names without a schema are in {@value #SCHEMA}. Columns are {@code bigint}; a column a foreign key
 * names is added NOT NULL unless declared before. A foreign key is named {@code <table>_<columns>_fkey},
 * references the primary key of its parent, is NO ACTION, and gets an index on its columns; the modifiers
 * ({@link TableBuilder#named}, {@link TableBuilder#onDelete}, {@link TableBuilder#unindexed}, ...) change the
 * foreign key declared last.
 */
public final class CatalogBuilder {

    public static final String SCHEMA = "app";

    private final Map<TableName, TableBuilder> tables = new LinkedHashMap<>();

    /** {@code schema.table}, or {@code table} in {@value #SCHEMA}. */
    public static TableName name(String text) {
        int dot = text.indexOf('.');
        return dot < 0 ? new TableName(SCHEMA, text) : new TableName(text.substring(0, dot), text.substring(dot + 1));
    }

    /** Starts (or continues) the declaration of a table. */
    public TableBuilder table(String name) {
        return tables.computeIfAbsent(name(name), TableBuilder::new);
    }

    public Catalog build() {
        return new Catalog(tables.values().stream().map(TableBuilder::toTable).toList(),
                tables.values().stream().flatMap(t -> t.foreignKeys.stream()).map(this::toForeignKey).toList());
    }

    private ForeignKey toForeignKey(FkSpec fk) {
        List<String> parentColumns = fk.parentColumns;
        if (parentColumns == null) {
            TableBuilder parent = tables.get(fk.parent);
            if (parent == null || parent.primaryKey == null) {
                throw new IllegalStateException("foreign key " + fk.name + ": declare " + fk.parent
                        + " with a primary key first, or give the parent columns with toColumns(...)");
            }
            parentColumns = parent.primaryKey;
        }
        return new ForeignKey(fk.name, fk.child, fk.childColumns, fk.parent, parentColumns, fk.onDelete,
                fk.deferrable, false, java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), fk.resetColumns, fk.resetChecks, false, false, fk.enforcement);
    }

    private static final class FkSpec {
        final TableName child;
        final TableName parent;
        final List<String> childColumns;
        String name;
        List<String> parentColumns;
        OnDelete onDelete = OnDelete.NO_ACTION;
        ForeignKey.Enforcement enforcement = ForeignKey.Enforcement.ENFORCED;
        boolean deferrable;
        boolean indexed = true;
        List<String> resetColumns = List.of();
        List<io.declutter.model.CheckConstraint> resetChecks = new ArrayList<>();

        FkSpec(TableName child, TableName parent, List<String> childColumns) {
            this.child = child;
            this.parent = parent;
            this.childColumns = childColumns;
            this.name = child.name() + "_" + String.join("_", childColumns) + "_fkey";
        }
    }

    /** One table; every method returns this builder, and {@link #table} / {@link #build} continue the catalog. */
    public final class TableBuilder {
        private final TableName name;
        private final List<Column> columns = new ArrayList<>();
        private final List<UniqueKey> uniqueKeys = new ArrayList<>();
        private final List<List<String>> indexes = new ArrayList<>();
        private final List<Trigger> triggers = new ArrayList<>();
        private final List<FkSpec> foreignKeys = new ArrayList<>();
        private List<String> primaryKey;
        private boolean partitioned;
        private io.declutter.model.TableAccess access = io.declutter.model.TableAccess.UNKNOWN;

        private TableBuilder(TableName name) {
            this.name = name;
        }

        /** A NOT NULL {@code id} column that is the primary key. */
        public TableBuilder id() {
            return column("id").primaryKey("id");
        }

        public TableBuilder column(String column) {
            return column(column, false);
        }

        public TableBuilder nullableColumn(String column) {
            return column(column, true);
        }

        private TableBuilder column(String column, boolean nullable) {
            if (columns.stream().noneMatch(c -> c.name().equals(column))) {
                columns.add(new Column(column, columns.size() + 1, "bigint", nullable, Identity.NONE, false));
            }
            return this;
        }

        /** Gives a declared column a default (as the catalog prints it). */
        public TableBuilder defaultValue(String column, String expression) {
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                if (c.name().equals(column)) {
                    columns.set(i, new Column(c.name(), c.position(), c.type(), c.nullable(), c.identity(),
                            c.generated(), java.util.Optional.of(expression)));
                    return this;
                }
            }
            throw new IllegalStateException("declare column " + column + " before its default");
        }

        public TableBuilder primaryKey(String... cols) {
            for (String c : cols) {
                column(c);
            }
            primaryKey = List.of(cols);
            return this;
        }

        /** A unique key; its columns must be declared first (so their nullability is the test's choice). */
        public TableBuilder uniqueKey(String keyName, String... cols) {
            uniqueKeys.add(new UniqueKey(keyName, List.of(cols), false));
            return this;
        }

        public TableBuilder index(String... cols) {
            indexes.add(List.of(cols));
            return this;
        }

        /** An enabled AFTER DELETE row trigger (the kind a purge fires) whose function writes no table. */
        public TableBuilder trigger(String trigger) {
            return trigger(new Trigger(trigger, "AFTER", List.of("DELETE"), "ROW", true, false,
                    new io.declutter.model.TriggerWrites(List.of(), java.util.Optional.empty())));
        }

        /** An enabled AFTER DELETE row trigger whose function writes these tables ({@code app} schema). */
        public TableBuilder triggerWriting(String trigger, String... tables) {
            return trigger(new Trigger(trigger, "AFTER", List.of("DELETE"), "ROW", true, false,
                    new io.declutter.model.TriggerWrites(java.util.Arrays.stream(tables)
                            .map(t -> new TableName("app", t)).toList(), java.util.Optional.empty())));
        }

        public TableBuilder trigger(Trigger trigger) {
            triggers.add(trigger);
            return this;
        }

        /** What the catalog says about the table's row-level security, rules, exclusion constraints, privileges. */
        public TableBuilder access(io.declutter.model.TableAccess access) {
            this.access = access;
            return this;
        }

        public TableBuilder partitioned() {
            partitioned = true;
            return this;
        }

        /** A foreign key from {@code childColumns} of this table to the primary key of {@code parent}. */
        public TableBuilder references(String parent, String... childColumns) {
            Arrays.stream(childColumns).forEach(this::column);
            foreignKeys.add(new FkSpec(name, CatalogBuilder.name(parent), List.of(childColumns)));
            return this;
        }

        /** Renames the last foreign key. */
        public TableBuilder named(String constraint) {
            last().name = constraint;
            return this;
        }

        /** Makes the last foreign key reference these parent columns instead of the parent's primary key. */
        public TableBuilder toColumns(String... parentColumns) {
            last().parentColumns = List.of(parentColumns);
            return this;
        }

        public TableBuilder onDelete(OnDelete action) {
            last().onDelete = action;
            return this;
        }

        /** What the database guarantees about the last foreign key's existing rows (default: enforced). */
        public TableBuilder enforcement(ForeignKey.Enforcement enforcement) {
            last().enforcement = enforcement;
            return this;
        }

        /** The last foreign key's SET NULL / SET DEFAULT resets only these of its columns. */
        public TableBuilder resetting(String... cols) {
            last().resetColumns = List.of(cols);
            return this;
        }

        /** A CHECK constraint of this table naming a column of the last foreign key. */
        public TableBuilder resetCheck(String constraint, String expression) {
            last().resetChecks.add(new io.declutter.model.CheckConstraint(constraint, expression));
            return this;
        }

        public TableBuilder deferrable() {
            last().deferrable = true;
            return this;
        }

        /** Leaves the last foreign key without the index {@link #references} gives it. */
        public TableBuilder unindexed() {
            last().indexed = false;
            return this;
        }

        public TableBuilder table(String other) {
            return CatalogBuilder.this.table(other);
        }

        public Catalog build() {
            return CatalogBuilder.this.build();
        }

        private FkSpec last() {
            if (foreignKeys.isEmpty()) {
                throw new IllegalStateException("table " + name + " has no foreign key to modify yet");
            }
            return foreignKeys.get(foreignKeys.size() - 1);
        }

        private Table toTable() {
            List<UniqueKey> keys = new ArrayList<>();
            List<List<String>> allIndexes = new ArrayList<>();
            if (primaryKey != null) {
                keys.add(new UniqueKey(name.name() + "_pkey", primaryKey, true));
                allIndexes.add(primaryKey);
            }
            keys.addAll(uniqueKeys);
            uniqueKeys.forEach(k -> allIndexes.add(k.columns()));
            allIndexes.addAll(indexes);
            foreignKeys.stream().filter(fk -> fk.indexed).forEach(fk -> allIndexes.add(fk.childColumns));
            return new Table(name, columns, keys, allIndexes, triggers, partitioned, 0, access);
        }
    }
}
