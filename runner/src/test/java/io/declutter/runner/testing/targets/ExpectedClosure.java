package io.declutter.runner.testing.targets;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The purge closure computed in Java, independently of the product: the root rows the job's predicate selects,
 * then, to a fixed point, every row whose foreign key (as JDBC metadata reports it) references a closure row,
 * except through ON DELETE SET NULL / SET DEFAULT keys (those rows stay). Also the orphan check of a snapshot.
 */
public final class ExpectedClosure {

    private final Map<String, Set<String>> keys;

    private ExpectedClosure(Map<String, Set<String>> keys) {
        this.keys = keys;
    }

    /** The closure of the rows of {@code root} that {@code predicate} selects, over the rows of {@code data}. */
    public static ExpectedClosure compute(Connection c, JdbcSchema schema, Snapshot data, String root, String predicate)
            throws SQLException {
        Map<String, Set<String>> keys = new TreeMap<>();
        schema.tables().forEach(t -> keys.put(t, new HashSet<>()));
        Deque<String[]> todo = new ArrayDeque<>();
        int[] rootKey = keyColumns(schema, data, root);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + PurgeTarget.qualified(root) + " WHERE " + predicate)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String key = Snapshot.key(Snapshot.values(rs, n), rootKey);
                if (keys.get(root).add(key)) {
                    todo.add(new String[] {root, key});
                }
            }
        }
        Map<JdbcSchema.ForeignKey, Map<List<String>, List<String>>> children = new HashMap<>();
        while (!todo.isEmpty()) {
            String[] next = todo.poll();
            String[] row = data.table(next[0]).rows().get(next[1]);
            for (JdbcSchema.ForeignKey fk : schema.foreignKeys()) {
                if (!fk.parent().equals(next[0]) || fk.keepsChild() || !keys.containsKey(fk.child())) {
                    continue;
                }
                List<String> referenced = tuple(row, at(data, fk.parent(), fk.parentColumns()));
                if (referenced == null) {
                    continue;
                }
                Map<List<String>, List<String>> index = children.computeIfAbsent(fk, f -> index(data, f));
                for (String child : index.getOrDefault(referenced, List.of())) {
                    if (keys.get(fk.child()).add(child)) {
                        todo.add(new String[] {fk.child(), child});
                    }
                }
            }
        }
        return new ExpectedClosure(keys);
    }

    /** Foreign-key values of {@code fk}'s child rows (all non-null) to the keys of the rows holding them. */
    private static Map<List<String>, List<String>> index(Snapshot data, JdbcSchema.ForeignKey fk) {
        int[] cols = at(data, fk.child(), fk.childColumns());
        Map<List<String>, List<String>> index = new HashMap<>();
        for (Map.Entry<String, String[]> e : data.table(fk.child()).rows().entrySet()) {
            List<String> t = tuple(e.getValue(), cols);
            if (t != null) {
                index.computeIfAbsent(t, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        return index;
    }

    /** Rows whose foreign key (all columns non-null) references no row: "fk: child key -> values". */
    public static List<String> orphans(JdbcSchema schema, Snapshot data) {
        List<String> out = new ArrayList<>();
        for (JdbcSchema.ForeignKey fk : schema.foreignKeys()) {
            if (!data.tables().contains(fk.parent()) || !data.tables().contains(fk.child())) {
                continue;
            }
            Set<List<String>> parents = new HashSet<>();
            int[] pcols = at(data, fk.parent(), fk.parentColumns());
            data.table(fk.parent()).rows().values().forEach(r -> parents.add(tuple(r, pcols)));
            int[] ccols = at(data, fk.child(), fk.childColumns());
            data.table(fk.child()).rows().forEach((k, r) -> {
                List<String> t = tuple(r, ccols);
                if (t != null && !parents.contains(t)) {
                    out.add(fk.name() + ": " + fk.child() + " " + k + " -> " + t);
                }
            });
        }
        return out;
    }

    private static int[] keyColumns(JdbcSchema schema, Snapshot data, String table) {
        List<String> key = schema.primaryKeys().get(table);
        if (key.isEmpty()) {
            throw new AssertionError(table + " has no primary key: the shared suite keys rows by primary key");
        }
        return at(data, table, key);
    }

    private static int[] at(Snapshot data, String table, List<String> columns) {
        List<String> all = data.table(table).columns();
        return columns.stream().mapToInt(col -> {
            int i = all.indexOf(col);
            if (i < 0) {
                throw new AssertionError(table + " has no column " + col);
            }
            return i;
        }).toArray();
    }

    private static List<String> tuple(String[] row, int[] cols) {
        List<String> t = new ArrayList<>(cols.length);
        for (int i : cols) {
            if (row[i] == null) {
                return null;
            }
            t.add(row[i]);
        }
        return t;
    }

    /** Keys of the closure rows of {@code table} (empty for a table outside the closure). */
    public Set<String> keys(String table) {
        return keys.getOrDefault(table, Set.of());
    }

    public long count(String table) {
        return keys(table).size();
    }

    public long total() {
        return keys.values().stream().mapToLong(Set::size).sum();
    }

    /** Tables with at least one closure row. */
    public List<String> tables() {
        return keys.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    /** Table to closure row count, for tables with closure rows. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        tables().forEach(t -> out.put(t, count(t)));
        return out;
    }
}
