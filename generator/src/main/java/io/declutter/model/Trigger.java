package io.declutter.model;

import java.util.List;
import java.util.Objects;

/**
 * A user trigger, or a PostgreSQL rule, on a table, as the catalog describes it. Internal triggers (foreign-key
 * checks and actions) are not listed.
 *
 * @param name             its name
 * @param timing           {@code BEFORE}, {@code AFTER}, {@code INSTEAD OF}, {@code COMPOUND} (Oracle), {@code RULE}
 *                         (a PostgreSQL rule), or empty when a recorded catalog does not say
 * @param events           the statements it fires on: {@code INSERT}, {@code UPDATE}, {@code DELETE},
 *                         {@code TRUNCATE}; in that order
 * @param level            {@code ROW}, {@code STATEMENT}, or empty (rules, compound triggers, not recorded)
 * @param enabled          whether it fires for the application's own statements
 * @param firesOnRollback  whether it fires while declutter's rollback restores rows: PostgreSQL rollback runs with
 *                         session_replication_role = replica (templates/postgres/job/rollback.ftl), so only
 *                         ENABLE ALWAYS and ENABLE REPLICA triggers and rules do; Oracle has no such switch, so every
 *                         enabled trigger does
 * @param writes           the tables its function (or a rule's action) writes, or why that is unknown
 */
public record Trigger(String name, String timing, List<String> events, String level, boolean enabled,
                      boolean firesOnRollback, TriggerWrites writes) {

    /** A trigger whose writes were not read. */
    public Trigger(String name, String timing, List<String> events, String level, boolean enabled,
                   boolean firesOnRollback) {
        this(name, timing, events, level, enabled, firesOnRollback,
                TriggerWrites.unknown("the catalog read does not record its body"));
    }

    private static final List<String> EVENT_ORDER = List.of("INSERT", "UPDATE", "DELETE", "TRUNCATE");

    public Trigger {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(writes, "writes");
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("trigger " + name + " fires on no event");
        }
        for (String e : events) {
            if (!EVENT_ORDER.contains(e)) {
                throw new IllegalArgumentException("trigger " + name + " has an unknown event: " + e);
            }
        }
        events = EVENT_ORDER.stream().filter(events::contains).toList();
    }

    /** Whether it fires when a purge deletes rows of its table. */
    public boolean firesOnDelete() {
        return enabled && events.contains("DELETE");
    }

    /** Whether a restore (an INSERT, or an UPDATE writing back values) would fire it, were it not switched off. */
    public boolean firesOnRestore() {
        return enabled && (events.contains("INSERT") || events.contains("UPDATE"));
    }

    /** Whether it is a PostgreSQL rule (disabled with DISABLE RULE rather than DISABLE TRIGGER). */
    public boolean rule() {
        return timing.equals("RULE");
    }

    /** E.g. {@code AFTER INSERT OR UPDATE FOR EACH ROW}, {@code RULE ON DELETE}. */
    public String description() {
        String on = String.join(" OR ", events);
        if (timing.equals("RULE")) {
            return "rule ON " + on;
        }
        return (timing.isEmpty() ? "" : timing + " ") + on + (level.isEmpty() ? "" : " FOR EACH " + level);
    }
}
