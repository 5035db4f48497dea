package io.declutter.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short durations DBAs write: {@code 500ms}, {@code 5s}, {@code 10min}, {@code 6h}, {@code 30d}. */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|min|h|d)");

    private Durations() {
    }

    public static Duration parse(String setting, String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new ConfigException(setting + ": '" + text + "' is not a duration; write a number with ms, s, min, h or d"
                    + " (e.g. 5s, 10min, 6h)");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(setting + ": '" + text + "' is too long a duration", e);
        }
    }
}
