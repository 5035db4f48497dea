package io.declutter.dialect;

import io.declutter.model.Throttle;

import java.util.List;

/**
 * Reads the database's health signals that have a limit in the job's throttle section (docs/throttle.md), one cheap
 * query each, on the purge's own connection between units of work. Made by {@link Dialect#healthSignals}.
 */
public interface HealthSignals {

    /**
     * One reading per signal the throttle limits, in {@link HealthSignal} order; a signal that cannot be read (no
     * standby, no privilege, an error) is {@link HealthReading.Verdict#UNKNOWN}, never an exception.
     */
    List<HealthReading> read(Throttle throttle);
}
