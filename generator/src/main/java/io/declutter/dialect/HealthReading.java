package io.declutter.dialect;

import java.util.Objects;

/**
 * One signal read once: go, hold or unknown, and in words why (e.g. {@code standby replica1 replay lag 14s > 10s}).
 */
public record HealthReading(HealthSignal signal, Verdict verdict, String reason) {

    /** What a signal says about the next unit of work. */
    public enum Verdict { GO, HOLD, UNKNOWN }

    public HealthReading {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }
}
