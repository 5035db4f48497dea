package io.declutter.runner.purge;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * Progress of a run on one line: phase, rows deleted of rows cached, rows per second and ETA. On a
 * terminal it redraws in place; otherwise (cron, CI) it prints a line at most every ten seconds.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean terminal;
    private final Instant start = Instant.now();
    private final long deletedAtStart;
    private final String verb;
    private Instant lastPrinted = Instant.EPOCH;
    private String lastHold;

    public ProgressBar(PrintWriter out, boolean terminal, long deletedAtStart) {
        this(out, terminal, deletedAtStart, "deleted");
    }

    /** @param verb what is done to the rows counted: "deleted", "archived" */
    public ProgressBar(PrintWriter out, boolean terminal, long deletedAtStart, String verb) {
        this.out = out;
        this.terminal = terminal;
        this.deletedAtStart = deletedAtStart;
        this.verb = verb;
    }

    public void update(String phase, long cached, long deleted, boolean force) {
        Instant now = Instant.now();
        if (!force && !terminal && Duration.between(lastPrinted, now).toSeconds() < 10) {
            return;
        }
        lastPrinted = now;
        lastHold = null;
        double seconds = Math.max(0.001, Duration.between(start, now).toMillis() / 1000.0);
        double rate = (deleted - deletedAtStart) / seconds;
        long remaining = Math.max(0, cached - deleted);
        String eta = rate > 0 ? format(Duration.ofSeconds((long) (remaining / rate))) : "?";
        int filled = cached == 0 ? 0 : (int) Math.min(WIDTH, WIDTH * deleted / cached);
        String line = String.format("%-7s [%s%s] %,d / %,d rows %s  %,.0f rows/s  ETA %s",
                phase, "#".repeat(filled), ".".repeat(WIDTH - filled), deleted, cached, verb, rate, eta);
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * The run holds before its next unit (docs/throttle.md#holds): {@code holding: <reason>}. Printed when the reason
     * changes, else as often as a progress line.
     */
    public void hold(String reason) {
        Instant now = Instant.now();
        boolean changed = !reason.equals(lastHold);
        if (!changed && !terminal && Duration.between(lastPrinted, now).toSeconds() < 10) {
            return;
        }
        lastPrinted = now;
        lastHold = reason;
        String line = "holding: " + reason;
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    public void finish() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
