package io.declutter.runner.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Sizes and times as the audit prints them. */
public final class Sizes {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Sizes() {
    }

    /** 1536 -> "1.5 kB"; binary units, as pg_size_pretty. */
    public static String human(long bytes) {
        String[] units = {"bytes", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A time in UTC to the minute, or "never". */
    public static String when(Instant t) {
        return t == null ? "never" : WHEN.format(t) + " UTC";
    }
}
