package io.declutter.runner.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The purge closure computed independently of the product: from the live data and the catalog's foreign keys
 * (plain {@code pg_constraint} queries, not the generator's introspection), in Java, to a fixed point.
 *
 * <p>Starting from the root rows the predicate selects, every foreign key is followed from parent to child: a
 * child row belongs to the closure when all its FK columns are non-null and equal the referenced columns of a
 * closure row of the parent (MATCH SIMPLE). Self-references and cycles are followed until nothing new is found.
 * Rows are identified by their primary key as PostgreSQL prints it: {@code ROW(pk1, pk2)::text}, e.g.
 * {@code (42)} or {@code (7,3)}, the same text {@link TableRows} uses.
 */
public final class ClosureOracle {

    /** A foreign key, columns in constraint order. Tables are {@code schema.table} (unquoted). */
    public record ForeignKey(String name, String child, List<String> childColumns, String parent,
                             List<String> parentColumns) {
    }

    /** The closure: for every table reachable from the root through FKs, the keys of its closure rows. */
    public record Closure(String root, Map<String, Set<String>> keys, List<ForeignKey> edges) {

        public Set<String> keys(String table) {
            return keys.getOrDefault(table, Set.of());
        }

        public long count(String table) {
            return keys(table).size();
        }

        public long total() {
            return keys.values().stream().mapToLong(Set::size).sum();
        }

        /** Tables reachable from the root (whether or not they hold closure rows), sorted. */
        public Set<String> tables() {
            return keys.keySet();
        }
    }

    private ClosureOracle() {
    }

    /**
     * @param rootTable {@code schema.table} (unquoted)
     * @param predicate SQL condition on the root table selecting the rows to purge
     */
    public static Closure compute(Connection c, String rootTable, String predicate) throws SQLException {
        List<ForeignKey> fks = foreignKeys(c);
        // Tables reachable from the root, parent to child.
        Map<String, List<ForeignKey>> outgoing = new HashMap<>();
        for (ForeignKey fk : fks) {
            outgoing.computeIfAbsent(fk.parent(), k -> new ArrayList<>()).add(fk);
        }
        Set<String> reachable = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(rootTable));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (reachable.add(t)) {
                outgoing.getOrDefault(t, List.of()).forEach(fk -> todo.push(fk.child()));
            }
        }
        List<ForeignKey> edges = fks.stream().filter(fk -> reachable.contains(fk.parent())).toList();

        // Per table, the columns the walk needs: its key, the FK columns it refers with, the columns referred to.
        Map<String, Set<String>> needed = new TreeMap<>();
        for (String t : reachable) {
            needed.put(t, new LinkedHashSet<>());
        }
        for (ForeignKey fk : edges) {
            needed.get(fk.child()).addAll(fk.childColumns());
            needed.get(fk.parent()).addAll(fk.parentColumns());
        }
        Map<String, TableData> data = new TreeMap<>();
        for (String t : reachable) {
            data.put(t, TableData.load(c, t, primaryKey(c, t), List.copyOf(needed.get(t))));
        }

        // Child lookup per edge: FK values -> child rows.
        Map<ForeignKey, Map<List<String>, List<Integer>>> childIndex = new HashMap<>();
        for (ForeignKey fk : edges) {
            TableData child = data.get(fk.child());
            Map<List<String>, List<Integer>> index = new HashMap<>();
            for (int i = 0; i < child.rows.size(); i++) {
                List<String> values = child.values(i, fk.childColumns());
                if (!values.contains(null)) {
                    index.computeIfAbsent(values, k -> new ArrayList<>()).add(i);
                }
            }
            childIndex.put(fk, index);
        }

        Map<String, Set<Integer>> found = new TreeMap<>();
        reachable.forEach(t -> found.put(t, new java.util.HashSet<>()));
        record Hit(String table, int row) {
        }
        Deque<Hit> queue = new ArrayDeque<>();
        TableData root = data.get(rootTable);
        for (String key : rootKeys(c, rootTable, root.keyColumns, predicate)) {
            Integer row = root.byKey.get(key);
            if (row == null) {
                throw new IllegalStateException("root key " + key + " not loaded");
            }
            if (found.get(rootTable).add(row)) {
                queue.add(new Hit(rootTable, row));
            }
        }
        while (!queue.isEmpty()) {
            Hit h = queue.poll();
            TableData parent = data.get(h.table());
            for (ForeignKey fk : outgoing.getOrDefault(h.table(), List.of())) {
                List<String> values = parent.values(h.row(), fk.parentColumns());
                if (values.contains(null)) {
                    continue;
                }
                for (int childRow : childIndex.get(fk).getOrDefault(values, List.of())) {
                    if (found.get(fk.child()).add(childRow)) {
                        queue.add(new Hit(fk.child(), childRow));
                    }
                }
            }
        }

        Map<String, Set<String>> keys = new TreeMap<>();
        found.forEach((t, rows) -> {
            Set<String> k = new TreeSet<>();
            rows.forEach(r -> k.add(data.get(t).rows.get(r).key()));
            keys.put(t, Collections.unmodifiableSet(k));
        });
        return new Closure(rootTable, Collections.unmodifiableMap(keys), edges);
    }

    /** Every FK of the database outside the system schemas (partition clones left out). */
    public static List<ForeignKey> foreignKeys(Connection c) throws SQLException {
        String sql = """
                SELECT con.conname,
                       cn.nspname || '.' || cc.relname,
                       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
                               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
                       pn.nspname || '.' || pc.relname,
                       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
                               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)
                  FROM pg_constraint con
                  JOIN pg_class cc ON cc.oid = con.conrelid
                  JOIN pg_namespace cn ON cn.oid = cc.relnamespace
                  JOIN pg_class pc ON pc.oid = con.confrelid
                  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                 WHERE con.contype = 'f' AND con.conparentid = 0
                   AND cn.nspname NOT IN ('pg_catalog', 'information_schema')
                 ORDER BY 2, 1""";
        List<ForeignKey> fks = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                fks.add(new ForeignKey(rs.getString(1), rs.getString(2), List.of((String[]) rs.getArray(3).getArray()),
                        rs.getString(4), List.of((String[]) rs.getArray(5).getArray())));
            }
        }
        return fks;
    }

    /** Primary key columns of {@code schema.table}, in key order. */
    public static List<String> primaryKey(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("""
                SELECT ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
                               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)
                  FROM pg_constraint con
                 WHERE con.contype = 'p' AND con.conrelid = ?::regclass""")) {
            ps.setString(1, quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(table + " has no primary key; the oracle needs one");
                }
                return List.of((String[]) rs.getArray(1).getArray());
            }
        }
    }

    /** Every column of {@code schema.table} in column order (generated and identity columns included). */
    public static List<String> columns(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT attname::text FROM pg_attribute WHERE attrelid = ?::regclass"
                + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, quote(table));
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
            return cols;
        }
    }

    /** {@code schema.table} quoted for SQL. */
    public static String quote(String table) {
        int dot = table.indexOf('.');
        return ident(table.substring(0, dot)) + "." + ident(table.substring(dot + 1));
    }

    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code ROW(alias.k1, alias.k2)::text}: how a row's key is written everywhere in these tests. */
    public static String keyExpression(String alias, List<String> keyColumns) {
        return "ROW(" + String.join(", ", keyColumns.stream().map(k -> alias + "." + ident(k)).toList()) + ")::text";
    }

    private static List<String> rootKeys(Connection c, String rootTable, List<String> keyColumns, String predicate)
            throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT "
                + keyExpression("r", keyColumns) + " FROM " + quote(rootTable) + " AS r WHERE (" + predicate + ")")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    /** The rows of one table: key text and the text of the columns the walk needs. */
    private static final class TableData {
        record Row(String key, String[] values) {
        }

        final List<String> keyColumns;
        final Map<String, Integer> position = new HashMap<>();
        final List<Row> rows = new ArrayList<>();
        final Map<String, Integer> byKey = new HashMap<>();

        private TableData(List<String> keyColumns, List<String> columns) {
            this.keyColumns = keyColumns;
            for (int i = 0; i < columns.size(); i++) {
                position.put(columns.get(i), i);
            }
        }

        static TableData load(Connection c, String table, List<String> keyColumns, List<String> columns)
                throws SQLException {
            TableData d = new TableData(keyColumns, columns);
            StringBuilder sql = new StringBuilder("SELECT ").append(keyExpression("t", keyColumns));
            for (String col : columns) {
                sql.append(", t.").append(ident(col)).append("::text");
            }
            sql.append(" FROM ").append(quote(table)).append(" AS t");
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery(sql.toString())) {
                    while (rs.next()) {
                        String[] values = new String[columns.size()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rs.getString(i + 2);
                        }
                        d.byKey.put(rs.getString(1), d.rows.size());
                        d.rows.add(new Row(rs.getString(1), values));
                    }
                }
            }
            return d;
        }

        List<String> values(int row, List<String> columns) {
            String[] v = rows.get(row).values();
            List<String> out = new ArrayList<>(columns.size());
            for (String col : columns) {
                out.add(v[position.get(col)]);
            }
            return out;
        }
    }
}
