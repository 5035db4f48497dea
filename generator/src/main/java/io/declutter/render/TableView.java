package io.declutter.render;

import java.util.List;

/**
 * A closure table as templates need it; every name is already quoted for the dialect.
 *
 * @param display        {@code schema.table} for comments and log rows (unquoted)
 * @param table          qualified, quoted table name
 * @param backup         qualified, quoted backup table name
 * @param backupColumns  columns copied into the backup: all of them with backup on, else the keys only
 * @param key            quoted key columns rows are matched on
 * @param detaches       cycle-breaking edges from this table: set to null on the remaining child rows before each batch
 * @param detached       quoted columns of this table that cycle-breaking edges set to null (restored last)
 * @param catchUp        before each batch: back up rows inserted since the cache below this table, top down
 * @param catchUpNullifies before each batch: record rows inserted since the cache behind SET NULL edges
 * @param childrenFirst  a tree through a NOT NULL self-reference: backup rows numbered deepest first
 * @param treeRootParent for such a tree: {@code p} (backup row) is a parent of {@code b}, through any self-reference
 * @param treeJoin       for such a tree: {@code c} is a child of {@code t}, through any self-reference
 * @param sequences      integer key and identity columns whose sequence rollback keeps ahead of restored values
 * @param catchUpDeletes then delete them, bottom up: finished tables below this one, in delete order
 * @param deferCatchUp   deferred constraints (SET CONSTRAINTS list) to defer while catch-up deletes run, when they
 *                       delete rows of a deferred unit; empty otherwise
 * @param unit           the deferred unit of this table, null when it is in none
 * @param unitOrdinal    this table's position in its unit (1-based), 0 when it is in none
 * @param optimisticDelete each batch is first deleted without lock or catch-up, and the careful path (lock, catch
 *                       up, delete) runs only when that delete fails on a foreign key (see
 *                       {@code PurgeAnalysis.TableWork#fastPath} for when this is safe)
 * @param catchUpRepeats the catch-up statements are repeated until a round finds nothing new (a cycle or a tree
 *                       among the finished tables below)
 * @param lateTables     the catch-up grouped by table (PostgreSQL): after the steps from the batch, the late rows of
 *                       these finished tables, top down (see {@link LateView})
 * @param lateRepeats    that grouped catch-up is repeated until a round finds nothing new
 * @param rowIdentity    a leaf without a usable key, purged by row identity: never cached, its rows deleted and
 *                       backed up in one statement (docs/design.md#tables-without-a-key)
 */
public record TableView(
        String display,
        String table,
        String backup,
        String backupName,
        String backupIndex,
        int height,
        int primaryEdge,
        int cycleGroup,
        List<ColumnView> backupColumns,
        List<String> key,
        boolean overridingSystemValue,
        List<DetachView> detaches,
        List<String> detached,
        List<CatchUpStepView> catchUp,
        List<CatchUpNullifyView> catchUpNullifies,
        List<TableView> catchUpDeletes,
        List<SequenceView> sequences,
        boolean childrenFirst,
        String treeRootParent,
        String treeJoin,
        String deferCatchUp,
        DeferredUnitView unit,
        int unitOrdinal,
        boolean optimisticDelete,
        boolean catchUpRepeats,
        List<TableView> lateTables,
        boolean lateRepeats,
        boolean rowIdentity) {

    public TableView {
        backupColumns = List.copyOf(backupColumns);
        key = List.copyOf(key);
        detaches = List.copyOf(detaches);
        detached = List.copyOf(detached);
        catchUp = List.copyOf(catchUp);
        catchUpNullifies = List.copyOf(catchUpNullifies);
        catchUpDeletes = List.copyOf(catchUpDeletes);
        sequences = List.copyOf(sequences);
        lateTables = List.copyOf(lateTables);
    }

    /** This view with {@code optimisticDelete} set. */
    public TableView withOptimisticDelete(boolean optimistic) {
        return new TableView(display, table, backup, backupName, backupIndex, height, primaryEdge, cycleGroup,
                backupColumns, key, overridingSystemValue, detaches, detached, catchUp, catchUpNullifies,
                catchUpDeletes, sequences, childrenFirst, treeRootParent, treeJoin, deferCatchUp, unit, unitOrdinal,
                optimistic, catchUpRepeats, lateTables, lateRepeats, rowIdentity);
    }

    /** Comma list of the backup columns, optionally prefixed with an alias. */
    public String columnList(String alias) {
        return Sql.list(backupColumns.stream().map(ColumnView::name).toList(), alias);
    }

    /** Comma list of the columns rollback writes back. */
    public String writableList(String alias) {
        return Sql.list(backupColumns.stream().filter(ColumnView::writable).map(ColumnView::name).toList(), alias);
    }

    /**
     * The rollback's select list where the foreign keys are not checked while it writes (PostgreSQL: replica mode,
     * references checked once everything is back, docs/design.md#rollback): every writable column as backed up, so a
     * CHECK that needs a detached column holds on the restored row as it held before the purge.
     */
    public String backupSelect(String alias) {
        return Sql.list(backupColumns.stream().filter(ColumnView::writable).map(ColumnView::name).toList(), alias);
    }

    /**
     * The rollback's select list where the foreign keys are checked while it writes (Oracle): writable columns, with
     * detached ones as NULL (re-attached at the end), so rows of a cycle go back in any order.
     */
    public String restoreSelect(String alias) {
        return backupColumns.stream().filter(ColumnView::writable)
                .map(c -> detached.contains(c.name()) ? "NULL" : alias + "." + c.name())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    public String keyList(String alias) {
        return Sql.list(key, alias);
    }

    /** {@code l.k1 = r.k1 AND ...} on the key. */
    public String keyMatch(String left, String right) {
        return Sql.match(left, key, right, key);
    }
}
