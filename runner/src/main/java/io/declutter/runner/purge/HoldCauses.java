package io.declutter.runner.purge;

import io.declutter.dialect.HealthReading;
import io.declutter.model.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Why the next piece of work must wait, if it must (docs/throttle.md#holds): every signal saying hold, and every
 * unknown one when the job says {@code onUnknown: hold}. An unknown signal is reported once per reason. The purge loop
 * asks before every unit, the VACUUM after a run before every table.
 */
final class HoldCauses {

    private static final Logger LOG = LoggerFactory.getLogger(HoldCauses.class);

    private final Set<String> unknownsReported = new HashSet<>();

    List<HealthReading> of(Throttle limits, List<HealthReading> readings) {
        return readings.stream().filter(r -> {
            if (r.verdict() == HealthReading.Verdict.UNKNOWN && unknownsReported.add(r.reason())) {
                LOG.warn("health signal unknown: {} (onUnknown: {})", r.reason(),
                        limits.onUnknown() == Throttle.OnUnknown.HOLD ? "hold" : "go");
            }
            return r.verdict() == HealthReading.Verdict.HOLD
                    || r.verdict() == HealthReading.Verdict.UNKNOWN && limits.onUnknown() == Throttle.OnUnknown.HOLD;
        }).toList();
    }
}
