package io.declutter.render;

import java.util.List;

/**
 * A deferred unit as the step and rollback templates need it: tables of a cycle broken through DEFERRABLE foreign
 * keys. Each delete batch of one of its tables seeds a set of rows (the batch), grows it to every purged row of the
 * unit that must go with it (rows referencing it inside the unit, through deferred or ordinary edges; late rows
 * caught up), and deletes the set table by table in one transaction, the deferred constraints deferred.
 *
 * @param constraints  qualified, quoted names of the unit's deferred constraints, comma separated (SET CONSTRAINTS)
 * @param deleteConstraints those and the ones of other units whose caught-up rows a batch deletes first
 * @param tables       the unit's tables in delete order; a table's ordinal is its position + 1
 * @param catchUp      catch-up statements from the set and from finished tables below, top down
 * @param expansions   in-unit edges (deferred or ordinary, not detached): cached rows referencing the set join it
 * @param nullifies    SET NULL edges from the unit's tables and the finished tables below
 * @param catchUpDeletes finished tables below the unit whose caught-up rows are deleted first, bottom up
 * @param detaches     nullable cycle-breaking edges from the unit's tables: purged rows outside the set pointing
 *                     into it are set to null before the set is deleted
 * @param lateTables   the finished tables below, top down: the catch-up from them grouped by table (PostgreSQL)
 */
public record DeferredUnitView(int id, String constraints, String deleteConstraints, List<TableView> tables, List<UnitStepView> catchUp,
                               List<UnitStepView> expansions, List<UnitNullifyView> nullifies,
                               List<TableView> catchUpDeletes, List<UnitDetachView> detaches,
                               List<TableView> lateTables) {

    public DeferredUnitView {
        lateTables = List.copyOf(lateTables);
        tables = List.copyOf(tables);
        catchUp = List.copyOf(catchUp);
        expansions = List.copyOf(expansions);
        nullifies = List.copyOf(nullifies);
        catchUpDeletes = List.copyOf(catchUpDeletes);
        detaches = List.copyOf(detaches);
    }

    /**
     * One statement over a foreign key from {@code parent} to {@code child}: {@code parentOrdinal} > 0 when the parent
     * rows are those of the set (a unit table), 0 when they are the caught-up rows of a finished table below;
     * {@code childOrdinal} > 0 when the rows found join the set.
     */
    public record UnitStepView(int edgeId, String description, TableView child, TableView parent, String parentMatch,
                               int parentOrdinal, int childOrdinal) {
    }

    /** A SET NULL edge whose parent is a unit table ({@code parentOrdinal} > 0) or a finished table below. */
    public record UnitNullifyView(NullifyView edge, TableView parent, int parentOrdinal) {
    }

    /** A nullable cycle-breaking edge whose parent is the unit table of {@code parentOrdinal}. */
    public record UnitDetachView(DetachView detach, TableView parent, int parentOrdinal) {
    }
}
