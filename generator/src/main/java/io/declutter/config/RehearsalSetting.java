package io.declutter.config;

import java.util.Optional;

/**
 * The job file's {@code rehearse} setting: whether {@code run} rehearses a new run before its first step, and on how
 * many root rows (docs/design.md#rehearsal).
 *
 * @param enabled whether a new run is rehearsed first
 * @param sample  root rows whose closure is rehearsed; empty: every matching root row
 */
public record RehearsalSetting(boolean enabled, Optional<Integer> sample) {

    /** Root rows rehearsed when the job file does not say. */
    public static final int DEFAULT_SAMPLE = 100;

    public static final RehearsalSetting DEFAULT = new RehearsalSetting(true, Optional.of(DEFAULT_SAMPLE));

    public RehearsalSetting {
        if (sample.isPresent() && sample.get() < 1) {
            throw new ConfigException("rehearse: a sample of " + sample.get() + " root rows rehearses nothing;"
                    + " write a number of at least 1, 'all', true or false");
        }
    }

    /**
     * {@code true}, {@code false}, {@code all} or a number of root rows, as written in the job file (or given with
     * {@code --sample}); null is the default.
     */
    public static RehearsalSetting parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "true":
                return DEFAULT;
            case "false":
                return new RehearsalSetting(false, Optional.of(DEFAULT_SAMPLE));
            case "all":
                return new RehearsalSetting(true, Optional.empty());
            default:
                try {
                    return new RehearsalSetting(true, Optional.of(Integer.parseInt(t)));
                } catch (NumberFormatException e) {
                    throw new ConfigException(setting + ": '" + text + "' is not a rehearsal setting; write true (the"
                            + " default: rehearse the closure of " + DEFAULT_SAMPLE + " root rows), false (no rehearsal),"
                            + " a number of root rows, or all");
                }
        }
    }
}
