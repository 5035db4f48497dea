package io.declutter.demo.bench;

import io.declutter.model.ForeignKey;
import io.declutter.model.TableName;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The floor: what a DBA writes by hand with the schema in front of them. One transaction: the keys of the rows to
 * delete are collected into temporary tables from the root down (one set-based INSERT per table, a self-reference
 * repeated until nothing new), then one set-based DELETE per table from the leaves up. No backup, no batching;
 * ON DELETE SET NULL columns are reset by the database itself.
 */
final class FloorMethod implements PurgeMethod {

    /** One statement of the script; a repeated one runs until it changes no row (the next level of a tree). */
    private record Step(String sql, boolean repeat) {
    }

    private List<Step> steps;

    @Override
    public String title() {
        return "floor: set-based DELETEs";
    }

    @Override
    public String description() {
        return "hand-written set-based SQL in dependency order, one transaction: keys collected into temporary tables"
                + " root to leaves, then one DELETE per table leaves to root; no backup, no batching";
    }

    @Override
    public String prepare(BenchDatabase db, Purge purge) throws Exception {
        try (Connection c = db.connect()) {
            script(new Closure(Closure.read(c), tableName(Purge.ROOT)));
        }
        return null;
    }

    static TableName tableName(String qualified) {
        int dot = qualified.indexOf('.');
        return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    private void script(Closure cl) {
        steps = new ArrayList<>();
        int i = 0;
        Map<TableName, String> keys = new java.util.HashMap<>();
        for (TableName t : cl.order) {
            keys.put(t, "k" + i++);
        }
        for (TableName t : cl.order) {
            String k = keys.get(t);
            Set<String> cols = new LinkedHashSet<>(cl.key(t));
            // columns other closure tables reference (FKs to a unique key that is not the primary key)
            cl.incoming.values().stream().flatMap(List::stream).filter(fk -> fk.parent().equals(t))
                    .forEach(fk -> cols.addAll(fk.parentColumns()));
            String colList = cols.stream().map(c -> "c." + Closure.ident(c)).collect(Collectors.joining(", "));
            if (t.equals(cl.root)) {
                steps.add(new Step("CREATE TEMP TABLE " + k + " ON COMMIT DROP AS SELECT " + colList + " FROM "
                        + Closure.q(t) + " AS c WHERE " + Purge.PREDICATE.replace("status", "c.status"), false));
            } else {
                // One semi-join per parent, their union: EXISTS (...) OR EXISTS (...) cannot be planned as a join,
                // and once a parent's keys outgrow work_mem its subplan is rescanned for every row (at scale 10 the
                // first such statement ran for more than 12 minutes).
                List<String> paths = new ArrayList<>();
                for (ForeignKey fk : cl.incoming.get(t)) {
                    if (!fk.selfReference()) {
                        paths.add("SELECT " + colList + " FROM " + Closure.q(t) + " AS c WHERE EXISTS (SELECT 1 FROM "
                                + keys.get(fk.parent()) + " AS p WHERE " + match(fk, "c", "p") + ")");
                    }
                }
                steps.add(new Step("CREATE TEMP TABLE " + k + " ON COMMIT DROP AS " + String.join("\nUNION\n", paths),
                        false));
                for (ForeignKey fk : cl.incoming.get(t)) {
                    if (fk.selfReference()) {
                        // the rest of each tree, level by level, on the table's statistics so far
                        steps.add(new Step("ANALYZE " + k, false));
                        steps.add(new Step("INSERT INTO " + k + " SELECT " + colList + " FROM " + Closure.q(t)
                                + " AS c WHERE EXISTS (SELECT 1 FROM " + k + " AS p WHERE " + match(fk, "c", "p")
                                + ") AND NOT EXISTS (SELECT 1 FROM " + k + " AS x WHERE "
                                + cl.key(t).stream().map(col -> "x." + Closure.ident(col) + " = c." + Closure.ident(col))
                                .collect(Collectors.joining(" AND ")) + ")", true));
                    }
                }
            }
            steps.add(new Step("ANALYZE " + k, false));
        }
        List<TableName> reverse = new ArrayList<>(cl.order);
        java.util.Collections.reverse(reverse);
        for (TableName t : reverse) {
            steps.add(new Step("DELETE FROM " + Closure.q(t) + " AS t USING " + keys.get(t) + " AS k WHERE "
                    + cl.key(t).stream().map(col -> "t." + Closure.ident(col) + " = k." + Closure.ident(col))
                    .collect(Collectors.joining(" AND ")), false));
        }
    }

    private static String match(ForeignKey fk, String child, String parent) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fk.childColumns().size(); i++) {
            parts.add(child + "." + Closure.ident(fk.childColumns().get(i)) + " = " + parent + "."
                    + Closure.ident(fk.parentColumns().get(i)));
        }
        return String.join(" AND ", parts);
    }

    @Override
    public Outcome run(BenchDatabase db, Purge purge) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (Step step : steps) {
                if (step.repeat()) {
                    while (st.executeUpdate(step.sql()) > 0) {
                        // next level of the tree
                    }
                } else {
                    st.execute(step.sql());
                }
            }
            c.commit();
        }
        Duration d = Duration.ofNanos(System.nanoTime() - t0);
        return new Outcome(true, -1, d, 0, null);
    }
}
