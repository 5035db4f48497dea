package io.declutter.model;

import java.util.List;
import java.util.Objects;

/**
 * A table of the purge closure with what the procedures need to know about it.
 *
 * @param key          the key rows are matched on in backups, deletes and rollback (the primary key)
 * @param height       delete order: 0 for a leaf; cycle-breaking edges impose no order
 * @param cacheRank    cache order (descending): height in the graph of all closure edges, where the tables
 *                     of a cycle share one rank, so a cycle is cached as one unit after every edge into it
 * @param backupTable  unqualified name of its backup table in the framework schema
 * @param primaryEdge  id of the control row that carries this table's delete and restore progress
 * @param childrenFirst a tree through a NOT NULL self-reference: its rows are deleted deepest first
 * @param deferredUnit  1-based id of the deferred unit the table belongs to (tables of a cycle broken through
 *                      DEFERRABLE foreign keys: each delete batch removes a connected set of their rows in one
 *                      transaction, the constraints deferred), 0 when none; a unit's tables are contiguous in
 *                      delete order, each before the tables it references inside the unit (deferred edges aside)
 * @param rowIdentity   a leaf without a primary key or a unique key on NOT NULL columns: never cached, its rows are
 *                      deleted and backed up in one statement per batch of a parent, restored and verified as a
 *                      multiset ({@code key} then lists every column); docs/design.md#tables-without-a-key
 */
public record PurgeTable(Table table, UniqueKey key, int height, int cacheRank, int cycleGroup, String backupTable,
                         int primaryEdge, boolean childrenFirst, int deferredUnit, boolean rowIdentity) {

    public PurgeTable(Table table, UniqueKey key, int height, int cacheRank, int cycleGroup, String backupTable,
                      int primaryEdge, boolean childrenFirst, int deferredUnit) {
        this(table, key, height, cacheRank, cycleGroup, backupTable, primaryEdge, childrenFirst, deferredUnit, false);
    }

    public PurgeTable(Table table, UniqueKey key, int height, int cacheRank, int cycleGroup, String backupTable,
                      int primaryEdge, boolean childrenFirst) {
        this(table, key, height, cacheRank, cycleGroup, backupTable, primaryEdge, childrenFirst, 0);
    }

    public PurgeTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(backupTable, "backupTable");
    }

    public TableName name() {
        return table.name();
    }

    public List<Column> columns() {
        return table.columns();
    }

    private static final java.util.Set<String> INTEGER_TYPES = java.util.Set.of("smallint", "integer", "bigint");

    /**
     * Integer identity columns and integer key columns: the ones that may be fed by a sequence, which rollback moves
     * forward past the values it restores (docs/design.md#rollback).
     */
    public List<Column> sequenceColumns() {
        return columns().stream()
                .filter(c -> INTEGER_TYPES.contains(c.type()))
                .filter(c -> c.identity() != Identity.NONE || key.columns().contains(c.name()))
                .toList();
    }
}
