package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.model.ForeignKey;
import io.declutter.model.Job;
import io.declutter.model.RootRows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The condition on the root table (alias {@code c}) that selects the root rows of an orphan or a duplicate root, in
 * SQL both dialects read alike (no {@code AS} before a table alias, row values compared with {@code IN}). Each is
 * one set-based condition, so the cache, plan's checks and the start thresholds use it exactly as they use a
 * {@code root.where} condition.
 */
public final class RootFilter {

    private RootFilter() {
    }

    /** The condition of a resolved orphan or duplicate root; empty for a {@code where} or run-time-keys root. */
    public static Optional<String> of(Job job, Dialect dialect) {
        if (job.rows() instanceof RootRows.OrphansOf o) {
            return Optional.of(orphans(o.key().orElseThrow(() -> new IllegalStateException(
                    "job " + job.name() + ": orphan root not resolved by the plan")), dialect));
        }
        if (job.rows() instanceof RootRows.DuplicatesOf d) {
            if (d.tieBreak().isEmpty()) {
                throw new IllegalStateException("job " + job.name() + ": duplicate root not resolved by the plan");
            }
            return Optional.of(duplicates(job, d, dialect));
        }
        return Optional.empty();
    }

    /**
     * Orphans (docs/design.md#orphan-roots): rows with every referencing column set (a NULL in one is no reference,
     * as MATCH SIMPLE reads it) and no parent row with those values. A key declared on one partition only reaches
     * from that partition's rows; one referencing a partition, only the parent rows in it.
     */
    static String orphans(ForeignKey fk, Dialect dialect) {
        List<String> terms = new ArrayList<>();
        fk.childCondition().ifPresent(cond -> terms.add("(" + cond + ")"));
        for (String col : fk.childColumns()) {
            terms.add("c." + dialect.quote(col) + " IS NOT NULL");
        }
        List<String> match = new ArrayList<>();
        for (int i = 0; i < fk.childColumns().size(); i++) {
            match.add("declutter_parent." + dialect.quote(fk.parentColumns().get(i)) + " = c."
                    + dialect.quote(fk.childColumns().get(i)));
        }
        fk.parentCondition().ifPresent(cond -> match.add("(" + cond + ")"));
        terms.add("NOT EXISTS (SELECT 1 FROM " + dialect.qualify(fk.parent().schema(), fk.parent().name())
                + " declutter_parent WHERE " + String.join(" AND ", match) + ")");
        return String.join(" AND ", terms);
    }

    /**
     * Duplicates (docs/design.md#duplicate-roots): the rows ranked after the first of their group, the groups being
     * the values of the key expressions (rows with a NULL in one belong to none), ranked by the kept order and then
     * by the table's key, so that ties always go the same way. The key expressions are evaluated on the table's own
     * rows inside the subquery, so their unqualified columns are that table's; each is written as the job file gives
     * it, an item of a select list and of PARTITION BY (where it needs no parentheses).
     */
    static String duplicates(Job job, RootRows.DuplicatesOf d, Dialect dialect) {
        List<String> tie = d.tieBreak().stream().map(dialect::quote).toList();
        String order = switch (d.keep().order()) {
            case NEWEST -> dialect.quote(d.keep().column().orElseThrow()) + " DESC NULLS LAST, " + String.join(", ", tie);
            case OLDEST -> dialect.quote(d.keep().column().orElseThrow()) + " ASC NULLS LAST, " + String.join(", ", tie);
            case LOWEST -> String.join(", ", tie);
            case HIGHEST -> tie.stream().map(t -> t + " DESC").collect(Collectors.joining(", "));
        };
        String left = tie.size() == 1 ? "c." + tie.get(0)
                : "(" + tie.stream().map(t -> "c." + t).collect(Collectors.joining(", ")) + ")";
        List<String> keys = d.key().stream().map(String::strip).toList();
        List<String> named = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            named.add(keys.get(i) + " AS declutter_key" + (i + 1));
            set.add("declutter_ranked.declutter_key" + (i + 1) + " IS NOT NULL");
        }
        return left + " IN (SELECT " + tie.stream().map(t -> "declutter_ranked." + t).collect(Collectors.joining(", "))
                + " FROM (SELECT " + String.join(", ", tie) + ", " + String.join(", ", named)
                + ", row_number() OVER (PARTITION BY " + String.join(", ", keys) + " ORDER BY " + order
                + ") AS declutter_rank FROM " + dialect.qualify(job.root().schema(), job.root().name())
                + ") declutter_ranked WHERE declutter_ranked.declutter_rank > 1 AND " + String.join(" AND ", set) + ")";
    }
}
