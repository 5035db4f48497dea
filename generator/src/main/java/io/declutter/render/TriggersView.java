package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.model.DeleteTrigger;
import io.declutter.model.PurgePlan;
import io.declutter.model.TableName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the job does with the DELETE triggers of purged tables (docs/design.md#triggers): the ones it disables around
 * each delete batch, and, for those it keeps that write outside the closure, the tables whose rows it counts before
 * the first delete and at the end.
 *
 * @param disable triggers and rules to disable, in delete order of their tables and by name
 * @param counts  tables to count, by name, each with the kept triggers that write it
 * @param unknown kept triggers whose writes could not be read, recorded with the reason (nothing to count)
 */
public record TriggersView(List<Toggle> disable, List<Count> counts, List<Unknown> unknown) {

    /** {@code ALTER TABLE <table> DISABLE <kind> <name>}. */
    public record Toggle(String table, String kind, String name, String display) {
    }

    /** A table a kept trigger writes outside the closure, and those triggers, as SQL literals. */
    public record Count(String table, String tableLiteral, String triggersLiteral) {
    }

    /** A kept trigger whose writes are unknown, and why, as SQL literals. */
    public record Unknown(String triggerLiteral, String reasonLiteral) {
    }

    public TriggersView {
        disable = List.copyOf(disable);
        counts = List.copyOf(counts);
        unknown = List.copyOf(unknown);
    }

    /** Whether the job has anything to do with triggers (else no function is generated for them). */
    public boolean any() {
        return !disable.isEmpty() || watched();
    }

    /** Whether the run records trigger effects (before the first delete, at the end, before a rollback). */
    public boolean watched() {
        return !counts.isEmpty() || !unknown.isEmpty();
    }

    static TriggersView of(Dialect dialect, PurgePlan plan) {
        List<Toggle> disable = new ArrayList<>();
        Map<TableName, List<String>> writers = new TreeMap<>();
        List<Unknown> unknown = new ArrayList<>();
        for (DeleteTrigger d : plan.deleteTriggers()) {
            if (d.disabled()) {
                disable.add(new Toggle(dialect.qualify(d.table().schema(), d.table().name()),
                        d.trigger().rule() ? "RULE" : "TRIGGER", dialect.quote(d.trigger().name()), d.display()));
            } else if (d.writesOutside()) {
                d.outside().forEach(t -> writers.computeIfAbsent(t, k -> new ArrayList<>()).add(d.display()));
                d.trigger().writes().unknown().ifPresent(why -> unknown.add(new Unknown(Sql.literal(d.display()),
                        Sql.literal(why))));
            }
        }
        List<Count> counts = new ArrayList<>();
        writers.forEach((t, names) -> counts.add(new Count(dialect.qualify(t.schema(), t.name()),
                Sql.literal(t.display()), Sql.literal(String.join(", ", names)))));
        return new TriggersView(disable, counts, unknown);
    }
}
