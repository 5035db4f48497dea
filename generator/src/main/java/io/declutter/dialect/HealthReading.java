package io.declutter.dialect;

import java.util.Objects;

/**
 * One signal read once: go, hold or unknown, in words why (e.g. {@code standby replica1 replay lag 14s > 10s}), and
 * the value read, in the unit its {@link HealthSignal} states (milliseconds, bytes, bytes per second or a count); the
 * value is null when the signal could not be read or has no value yet (the first sample of a rate). The service's
 * metrics show the values (docs/serve.md#metrics).
 */
public record HealthReading(HealthSignal signal, Verdict verdict, String reason, Double value) {

    /** What a signal says about the next unit of work. */
    public enum Verdict { GO, HOLD, UNKNOWN }

    public HealthReading {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        if (verdict == Verdict.UNKNOWN && value != null) {
            throw new IllegalArgumentException(signal + ": an unknown reading has no value, got " + value);
        }
    }

    /** A reading without a value. */
    public HealthReading(HealthSignal signal, Verdict verdict, String reason) {
        this(signal, verdict, reason, null);
    }
}
