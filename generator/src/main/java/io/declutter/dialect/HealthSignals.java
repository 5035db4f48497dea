package io.declutter.dialect;

import io.declutter.model.Throttle;

import java.util.List;

/**
 * Reads the database's health signals that have a limit in the job's throttle section (docs/throttle.md), one cheap
 * query each, on the purge's own connection between units of work. Made by {@link Dialect#healthSignals}.
 */
public interface HealthSignals extends AutoCloseable {

    /**
     * One reading per signal the throttle limits, in {@link HealthSignal} order; a signal that cannot be read (no
     * standby, no privilege, an error) is {@link HealthReading.Verdict#UNKNOWN}, never an exception.
     */
    List<HealthReading> read(Throttle throttle);

    /** Closes what the signals opened of their own (a standby's connection); the purge's connection stays open. */
    @Override
    default void close() {
    }

    /**
     * Opens a connection to another database of the job's, such as the standby a throttle names
     * ({@code throttle.standbyUrl}), logged into with the job's database settings (never credentials of its own).
     */
    @FunctionalInterface
    interface Connector {
        java.sql.Connection open(String jdbcUrl) throws java.sql.SQLException;
    }
}
