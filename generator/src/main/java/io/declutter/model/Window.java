package io.declutter.model;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a run may work: between {@code start} and {@code end} local time (the window may span midnight),
 * and for at most {@code maxDuration}. Every part is optional; with none, a run works until it is done.
 */
public record Window(Optional<LocalTime> start, Optional<LocalTime> end, Optional<Duration> maxDuration) {

    public static final Window ALWAYS = new Window(Optional.empty(), Optional.empty(), Optional.empty());

    public Window {
        if (start.isPresent() != end.isPresent()) {
            throw new InvalidJobException("window: give both 'start' and 'end' (e.g. start: \"22:00\", end: \"05:00\"), or neither");
        }
        if (start.isPresent() && start.get().equals(end.get())) {
            throw new InvalidJobException("window: 'start' and 'end' are both " + start.get() + "; the window would be empty");
        }
    }

    /** Whether {@code now} lies inside the daily window (always true without one). */
    public boolean contains(ZonedDateTime now) {
        if (start.isEmpty()) {
            return true;
        }
        LocalTime t = now.toLocalTime();
        LocalTime s = start.get();
        LocalTime e = end.get();
        return s.isBefore(e) ? !t.isBefore(s) && t.isBefore(e) : !t.isBefore(s) || t.isBefore(e);
    }

    /** The moment a run started at {@code now} must stop: the window's end or the maximum duration, whichever is first. */
    public Optional<ZonedDateTime> deadline(ZonedDateTime now) {
        Optional<ZonedDateTime> byEnd = end.map(e -> {
            ZonedDateTime candidate = now.with(e);
            return candidate.isAfter(now) ? candidate : candidate.plusDays(1);
        });
        Optional<ZonedDateTime> byDuration = maxDuration.map(now::plus);
        if (byEnd.isPresent() && byDuration.isPresent()) {
            return Optional.of(byEnd.get().isBefore(byDuration.get()) ? byEnd.get() : byDuration.get());
        }
        return byEnd.or(() -> byDuration);
    }
}
