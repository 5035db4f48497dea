package io.declutter.dialect;

import java.sql.SQLException;

/**
 * Asked before each table of the maintenance after a run ({@link Dialect#maintain}): the runner waits there while the
 * job's health signals say hold, as it does before every unit of the purge (docs/throttle.md#after-the-run); false
 * ends the pass at that table (the window ended while holding).
 */
@FunctionalInterface
public interface MaintenanceGate {

    /** Visits every table at once. */
    MaintenanceGate ALWAYS = table -> true;

    /** Whether the pass may go on with {@code table} (as {@code schema.table}); may wait first. */
    boolean mayVisit(String table) throws SQLException, InterruptedException;
}
