package io.declutter.dialect;

import java.util.Objects;

/**
 * One start threshold of a job measured now (docs/throttle.md#start-thresholds): what is measured, its current value
 * and the threshold, as the runner prints them, and whether it is reached.
 */
public record StartCheck(String what, String current, String threshold, boolean reached) {

    public StartCheck {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(threshold, "threshold");
    }

    /** {@code root rows matching root.where: 8 (start at 10,000)}. */
    public String describe() {
        return what + ": " + current + (reached ? " (reached: " : " (start at ") + threshold + ")";
    }
}
