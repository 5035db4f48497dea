package io.declutter.render;

/** A control row, every value already a SQL literal. */
public record EdgeView(int id, String parentEdgeId, String constraint, String parentTable, String childTable,
                       String parentColumns, String childColumns, String onDelete, String strategy, int depth,
                       int height, int cycleGroup, boolean breaksCycle, boolean primary, String backupTable,
                       String initialStatus) {
}
