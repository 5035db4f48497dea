package io.declutter.config;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * When {@code declutter serve} starts a job by itself (docs/serve.md#schedules): a Quartz cron expression
 * ({@code "0 30 1 * * ?"}: seconds, minutes, hours, day of month, month, day of week) read in {@code timeZone}, or in
 * the server's time zone when none is given. The job's window still applies to a scheduled start.
 */
public record Schedule(String cron, Optional<ZoneId> timeZone) {

    public Schedule {
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(timeZone, "timeZone");
    }

    /** The time zone the expression is read in. */
    public ZoneId zone() {
        return timeZone.orElse(ZoneId.systemDefault());
    }
}
