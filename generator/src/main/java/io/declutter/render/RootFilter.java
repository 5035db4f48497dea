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
        String order = keepOrder(d, dialect);
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

    /** The order of a group's rows by {@code keep}, ties broken by the table's key: the first row is the one kept. */
    private static String keepOrder(RootRows.DuplicatesOf d, Dialect dialect) {
        List<String> tie = d.tieBreak().stream().map(dialect::quote).toList();
        return switch (d.keep().order()) {
            case NEWEST -> dialect.quote(d.keep().column().orElseThrow()) + " DESC NULLS LAST, " + String.join(", ", tie);
            case OLDEST -> dialect.quote(d.keep().column().orElseThrow()) + " ASC NULLS LAST, " + String.join(", ", tie);
            case LOWEST -> String.join(", ", tie);
            case HIGHEST -> tie.stream().map(t -> t + " DESC").collect(Collectors.joining(", "));
        };
    }

    /** The placeholder of {@link #repointMap} for a condition on the root backup's rows (alias {@code p}). */
    public static final String RANGE = "{range}";

    /**
     * Re-pointing (docs/design.md#re-pointing): for each duplicate among the root backup's rows that {@link #RANGE}
     * selects (a condition on alias {@code p}, e.g. a delete batch), the values of {@code fk}'s parent columns it has
     * ({@code declutter_dup<i>}) and those of the row its references move to ({@code declutter_kept<i>}): the first
     * row of its group (the values of the key expressions) in the keep order, rows that are not root rows of this run
     * first. That is the row the cache kept, or, if rows joined the group since, the one the keep order ranks first
     * among those that stay. Only the groups of the selected duplicates are read. A group left with root rows only
     * (its kept row deleted meanwhile) maps a duplicate to itself and is left out: its children stay, and its delete
     * fails on the foreign key, as it should. One set-based query in SQL both dialects read alike.
     */
    public static String repointMap(Job job, RootRows.DuplicatesOf d, ForeignKey fk, String rootBackup,
                                    Dialect dialect) {
        String table = dialect.qualify(job.root().schema(), job.root().name());
        List<String> tie = d.tieBreak().stream().map(dialect::quote).toList();
        List<String> keys = d.key().stream().map(String::strip).toList();
        String tieMatch = tie.stream().map(t -> "p." + t + " = t." + t).collect(Collectors.joining(" AND "));
        String rooted = "CASE WHEN EXISTS (SELECT 1 FROM " + rootBackup + " p WHERE p.declutter_run = p_run AND "
                + tieMatch + ") THEN 1 ELSE 0 END";
        String window = " OVER (PARTITION BY " + String.join(", ", keys) + " ORDER BY " + rooted + ", "
                + keepOrder(d, dialect) + ")";
        List<String> select = new ArrayList<>();
        List<String> same = new ArrayList<>();
        for (int i = 0; i < fk.parentColumns().size(); i++) {
            String col = dialect.quote(fk.parentColumns().get(i));
            select.add("t." + col + " AS declutter_dup" + (i + 1));
            select.add("first_value(t." + col + ")" + window + " AS declutter_kept" + (i + 1));
            same.add("declutter_map.declutter_dup" + (i + 1) + " = declutter_map.declutter_kept" + (i + 1));
        }
        select.add("CASE WHEN EXISTS (SELECT 1 FROM " + rootBackup + " p WHERE p.declutter_run = p_run AND " + RANGE
                + " AND " + tieMatch + ") THEN 1 ELSE 0 END AS declutter_moved");
        String tieTuple = tie.size() == 1 ? tie.get(0) : "(" + String.join(", ", tie) + ")";
        String groups = (keys.size() == 1 ? keys.get(0) : "(" + String.join(", ", keys) + ")") + " IN (SELECT "
                + String.join(", ", keys) + " FROM " + table + " WHERE " + tieTuple + " IN (SELECT "
                + tie.stream().map(t -> "p." + t).collect(Collectors.joining(", ")) + " FROM " + rootBackup
                + " p WHERE p.declutter_run = p_run AND " + RANGE + "))";
        return "SELECT * FROM (SELECT " + String.join(", ", select) + " FROM " + table + " t WHERE " + groups
                + ") declutter_map WHERE declutter_map.declutter_moved = 1 AND NOT (" + String.join(" AND ", same)
                + ")";
    }
}
