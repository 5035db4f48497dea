package io.declutter.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the byte sizes DBAs write: {@code 4096}, {@code 512kB}, {@code 64MB}, {@code 2GB}, {@code 1TB} (powers of 1024). */
public final class ByteSizes {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {
    }

    public static long parse(String setting, String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new ConfigException(setting + ": '" + text + "' is not a size; write a number of bytes or a number"
                    + " with kB, MB, GB or TB (e.g. 64MB, 2GB)");
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new ConfigException(setting + ": '" + text + "' is too large a size", e);
        }
    }

    /** A rate in bytes per second: a size, optionally followed by {@code /s} ({@code 50MB/s}). */
    public static long parseRate(String setting, String text) {
        String t = text.strip();
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        try {
            return parse(setting, t);
        } catch (ConfigException e) {
            throw new ConfigException(setting + ": '" + text + "' is not a rate; write a size per second (e.g. 50MB/s)");
        }
    }
}
