package io.declutter.runner.random;

import io.declutter.runner.testing.ClosureOracle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a purge of a {@link RandomSchema} must do, computed independently of the product, in Java, from the data:
 *
 * <ul>
 *   <li>the closure: the root rows the predicate selects and, to a fixed point, every row that references a closure
 *       row through a foreign key the purge follows: all of them except ON DELETE SET NULL / SET DEFAULT ones (MATCH
 *       SIMPLE: a reference with a NULL column references nothing);</li>
 *   <li>the resets: rows outside the closure that reference a closure row through a SET NULL / SET DEFAULT foreign
 *       key stay, and the database resets those columns when the parent goes (to NULL: the generator gives such
 *       columns no other default); for each, the fingerprint it must have after the purge.</li>
 * </ul>
 *
 * Without SET NULL edges the closure is the one {@link ClosureOracle} computes from the catalog (the case checks
 * that both agree). Rows are identified as everywhere in these tests: {@code ROW(pk...)::text}.
 */
final class RandomOracle {

    /** @param reset table to (key text to row md5 after the purge) of the rows whose columns the database resets */
    record Expectation(ClosureOracle.Closure closure, Map<String, Map<String, String>> reset) {
    }

    private RandomOracle() {
    }

    static boolean followed(RandomSchema.ForeignKey fk) {
        return !fk.onDelete.equals("SET NULL") && !fk.onDelete.equals("SET DEFAULT");
    }

    static Expectation compute(Connection c, RandomSchema s) throws SQLException {
        Map<RandomSchema.Table, TableData> data = new HashMap<>();
        for (RandomSchema.Table t : s.tables) {
            Set<String> needed = new LinkedHashSet<>();
            for (RandomSchema.ForeignKey fk : s.foreignKeys) {
                if (fk.child == t) {
                    needed.addAll(fk.childColumns);
                }
                if (fk.parent == t) {
                    needed.addAll(fk.parentColumns);
                }
            }
            data.put(t, TableData.load(c, s, t, List.copyOf(needed)));
        }

        // child lookup per foreign key: referencing values -> child rows
        Map<RandomSchema.ForeignKey, Map<List<String>, List<Integer>>> children = new HashMap<>();
        for (RandomSchema.ForeignKey fk : s.foreignKeys) {
            TableData child = data.get(fk.child);
            Map<List<String>, List<Integer>> index = new HashMap<>();
            for (int i = 0; i < child.keys.size(); i++) {
                List<String> v = child.values(i, fk.childColumns);
                if (!v.contains(null)) {
                    index.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
                }
            }
            children.put(fk, index);
        }

        Map<RandomSchema.Table, Set<Integer>> found = new HashMap<>();
        s.tables.forEach(t -> found.put(t, new HashSet<>()));
        record Hit(RandomSchema.Table table, int row) {
        }
        Deque<Hit> queue = new ArrayDeque<>();
        TableData root = data.get(s.root());
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT "
                + ClosureOracle.keyExpression("r", s.root().primaryKey) + " FROM " + s.qualified(s.root())
                + " AS r WHERE (" + s.predicate + ")")) {
            while (rs.next()) {
                int row = root.byKey.get(rs.getString(1));
                if (found.get(s.root()).add(row)) {
                    queue.add(new Hit(s.root(), row));
                }
            }
        }
        while (!queue.isEmpty()) {
            Hit h = queue.poll();
            for (RandomSchema.ForeignKey fk : s.foreignKeys) {
                if (fk.parent != h.table() || !followed(fk)) {
                    continue;
                }
                List<String> v = data.get(h.table()).values(h.row(), fk.parentColumns);
                if (v.contains(null)) {
                    continue;
                }
                for (int child : children.get(fk).getOrDefault(v, List.of())) {
                    if (found.get(fk.child).add(child)) {
                        queue.add(new Hit(fk.child, child));
                    }
                }
            }
        }

        // resets: rows outside the closure pointing at closure rows through SET NULL / SET DEFAULT keys
        Map<RandomSchema.Table, Map<Integer, Set<String>>> nulled = new HashMap<>();
        for (RandomSchema.ForeignKey fk : s.foreignKeys) {
            if (followed(fk)) {
                continue;
            }
            for (int parentRow : found.get(fk.parent)) {
                List<String> v = data.get(fk.parent).values(parentRow, fk.parentColumns);
                if (v.contains(null)) {
                    continue;
                }
                for (int child : children.get(fk).getOrDefault(v, List.of())) {
                    if (!found.get(fk.child).contains(child)) {
                        nulled.computeIfAbsent(fk.child, k -> new HashMap<>())
                                .computeIfAbsent(child, k -> new LinkedHashSet<>()).addAll(fk.childColumns);
                    }
                }
            }
        }
        Map<String, Map<String, String>> reset = new TreeMap<>();
        for (Map.Entry<RandomSchema.Table, Map<Integer, Set<String>>> e : nulled.entrySet()) {
            RandomSchema.Table t = e.getKey();
            Map<String, String> rows = new HashMap<>();
            for (Map.Entry<Integer, Set<String>> row : e.getValue().entrySet()) {
                String key = data.get(t).keys.get(row.getKey());
                rows.put(key, md5WithNulls(c, s, t, key, row.getValue()));
            }
            reset.put(s.display(t), rows);
        }

        Map<String, Set<String>> keys = new TreeMap<>();
        for (RandomSchema.Table t : s.tables) {
            Set<String> k = new TreeSet<>();
            found.get(t).forEach(r -> k.add(data.get(t).keys.get(r)));
            keys.put(s.display(t), Collections.unmodifiableSet(k));
        }
        return new Expectation(new ClosureOracle.Closure(s.display(s.root()), Collections.unmodifiableMap(keys),
                List.of()), reset);
    }

    /** The md5 the row will have once the database has set {@code columns} to NULL (as {@code TableRows} prints it). */
    private static String md5WithNulls(Connection c, RandomSchema s, RandomSchema.Table t, String key,
                                       Set<String> columns) throws SQLException {
        String row = t.columns.stream().map(col -> columns.contains(col.name) ? "NULL::" + col.type
                : "x." + Names.quote(col.name)).collect(Collectors.joining(", "));
        try (PreparedStatement ps = c.prepareStatement("SELECT md5(ROW(" + row + ")::text) FROM " + s.qualified(t)
                + " AS x WHERE " + ClosureOracle.keyExpression("x", t.primaryKey) + " = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(s.display(t) + ": row " + key + " not found");
                }
                return rs.getString(1);
            }
        }
    }

    /** Key text and the text of the columns the walk needs, per row. */
    private static final class TableData {
        final List<String> keys = new ArrayList<>();
        final List<String[]> values = new ArrayList<>();
        final Map<String, Integer> byKey = new HashMap<>();
        final Map<String, Integer> position = new HashMap<>();

        static TableData load(Connection c, RandomSchema s, RandomSchema.Table t, List<String> columns)
                throws SQLException {
            TableData d = new TableData();
            for (int i = 0; i < columns.size(); i++) {
                d.position.put(columns.get(i), i);
            }
            StringBuilder sql = new StringBuilder("SELECT ").append(ClosureOracle.keyExpression("x", t.primaryKey));
            for (String col : columns) {
                sql.append(", x.").append(Names.quote(col)).append("::text");
            }
            sql.append(" FROM ").append(s.qualified(t)).append(" AS x");
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
                while (rs.next()) {
                    String[] v = new String[columns.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = rs.getString(i + 2);
                    }
                    d.byKey.put(rs.getString(1), d.keys.size());
                    d.keys.add(rs.getString(1));
                    d.values.add(v);
                }
            }
            return d;
        }

        List<String> values(int row, List<String> columns) {
            String[] v = values.get(row);
            List<String> out = new ArrayList<>(columns.size());
            for (String col : columns) {
                out.add(v[position.get(col)]);
            }
            return out;
        }
    }
}
