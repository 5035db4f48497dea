package io.declutter.runner.testing;

import io.declutter.runner.testing.targets.JdbcSchema;
import io.declutter.runner.testing.targets.PurgeTarget;
import io.declutter.runner.testing.targets.Snapshot;

import java.sql.Connection;
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

/**
 * The one closure oracle of the tests: what a purge must delete and what it must leave changed, computed
 * independently of the product, in Java, from the live data and foreign keys read without the product's
 * introspection, to a fixed point.
 *
 * <p>Starting from the root rows the predicate selects, every foreign key is followed from parent to child except
 * ON DELETE SET NULL / SET DEFAULT ones: a child row belongs to the closure when all its FK columns are non-null and
 * equal the referenced columns of a closure row of the parent (MATCH SIMPLE). Self-references and cycles are
 * followed until nothing new is found. Rows outside the closure that reference a closure row through a SET NULL /
 * SET DEFAULT key stay, and the database resets their FK columns: they are the closure's {@link Closure#resets()}.
 * A partitioned table is one table here (its partitions' rows together); a foreign key declared on one of its
 * partitions binds only that partition's rows, and one referencing a partition references only that partition's rows.
 *
 * <p>Two ways to read the same thing:
 * <ul>
 *   <li>{@link #compute(Connection, String, String)}, PostgreSQL: foreign keys from {@code pg_constraint} (every
 *       schema), rows known by their primary key as PostgreSQL prints it, {@code ROW(pk1, pk2)::text}, e.g.
 *       {@code (42)} or {@code (7,3)}, the same text {@link TableRows} uses;</li>
 *   <li>{@link #compute(Connection, JdbcSchema, Snapshot, String, String)}, any dialect (the shared invariant
 *       suite): foreign keys from JDBC metadata, rows from a {@link Snapshot}, known by the snapshot's keys.</li>
 * </ul>
 */
public final class ClosureOracle {

    /**
     * A foreign key, columns in constraint order. Tables are {@code schema.table} (unquoted).
     *
     * @param keepsChild      ON DELETE SET NULL / SET DEFAULT: deleting a parent leaves the child row, reset
     * @param childPartition  when the key is declared on a partition of {@code child} (not on {@code child}
     *                        itself): that partition ({@code schema.table}); the key binds only its rows
     * @param parentPartition when the key references a partition of {@code parent}: that partition; only its rows
     *                        are referenced
     */
    public record ForeignKey(String name, String child, List<String> childColumns, String parent,
                             List<String> parentColumns, boolean keepsChild, String childPartition,
                             String parentPartition) {

        public ForeignKey(String name, String child, List<String> childColumns, String parent,
                          List<String> parentColumns, boolean keepsChild) {
            this(name, child, childColumns, parent, parentColumns, keepsChild, null, null);
        }
    }

    /**
     * The closure: for every table reachable from the root through FKs, the keys of its closure rows; and for rows
     * outside it that the database resets (SET NULL / SET DEFAULT), the columns reset.
     *
     * @param resets table to (key to the FK columns the database resets in that row)
     */
    public record Closure(String root, Map<String, Set<String>> keys, List<ForeignKey> edges,
                          Map<String, Map<String, Set<String>>> resets) {

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

        /** Table to closure row count, for the tables with closure rows. */
        public Map<String, Long> counts() {
            Map<String, Long> out = new TreeMap<>();
            keys.forEach((t, k) -> {
                if (!k.isEmpty()) {
                    out.put(t, (long) k.size());
                }
            });
            return out;
        }
    }

    /** The rows of one table as the walk sees them: a key per row and the text of the columns FKs use. */
    private interface Rows {
        int size();

        String key(int row);

        /** The values of {@code columns} in the row, null where a value is null. */
        List<String> values(int row, List<String> columns);

        /** Whether the row lies in {@code partition} (null: the whole table) or one of its sub-partitions. */
        default boolean in(int row, String partition) {
            if (partition != null) {
                throw new IllegalStateException("partitions are known for PostgreSQL only");
            }
            return true;
        }
    }

    private ClosureOracle() {
    }

    // ------------------------------------------------------------------------------------------------ PostgreSQL

    /**
     * @param rootTable {@code schema.table} (unquoted)
     * @param predicate SQL condition on the root table selecting the rows to purge
     */
    public static Closure compute(Connection c, String rootTable, String predicate) throws SQLException {
        return compute(c, rootTable, predicate, List.of());
    }

    /**
     * As {@link #compute(Connection, String, String)}, with {@code logical} followed as well: references the database
     * does not hold (docs/design.md#logical-references), given as the foreign keys they stand for.
     */
    public static Closure compute(Connection c, String rootTable, String predicate, List<ForeignKey> logical)
            throws SQLException {
        List<ForeignKey> fks = new ArrayList<>(foreignKeys(c));
        fks.addAll(logical);
        Set<String> reachable = reachable(rootTable, fks);
        List<ForeignKey> edges = fks.stream().filter(fk -> reachable.contains(fk.parent())).toList();
        // Per table, the columns the walk needs: the FK columns it refers with, the columns referred to.
        Map<String, Set<String>> needed = new TreeMap<>();
        reachable.forEach(t -> needed.put(t, new LinkedHashSet<>()));
        for (ForeignKey fk : edges) {
            needed.get(fk.child()).addAll(fk.childColumns());
            needed.get(fk.parent()).addAll(fk.parentColumns());
        }
        // Per table, the partitions some key is restricted to: each row says whether it lies in them.
        Map<String, Set<String>> partitions = new TreeMap<>();
        reachable.forEach(t -> partitions.put(t, new TreeSet<>()));
        for (ForeignKey fk : edges) {
            if (fk.childPartition() != null) {
                partitions.get(fk.child()).add(fk.childPartition());
            }
            if (fk.parentPartition() != null) {
                partitions.get(fk.parent()).add(fk.parentPartition());
            }
        }
        Map<String, Rows> data = new TreeMap<>();
        for (String t : reachable) {
            data.put(t, PgRows.load(c, t, rowKey(c, t, "t"), List.copyOf(needed.get(t)), List.copyOf(partitions.get(t))));
        }
        List<String> rootKeys = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT "
                + keyExpression("r", primaryKey(c, rootTable)) + " FROM " + quote(rootTable) + " AS r WHERE ("
                + predicate + ")")) {
            while (rs.next()) {
                rootKeys.add(rs.getString(1));
            }
        }
        return walk(rootTable, reachable, edges, data, rootKeys);
    }

    /**
     * Every FK of the database outside the system schemas (the clones PostgreSQL makes of a key on a partitioned table,
     * conparentid set, left out). A key declared on a partition, or referencing one, is reported on the partition
     * tree's root table ({@code pg_partition_root}), restricted to that partition's rows ({@link
     * ForeignKey#childPartition()}, {@link ForeignKey#parentPartition()}): the walk treats a partitioned table's rows
     * as one table, as the purge does. Column names are the same in a partition as in its root (partitions match
     * their parent's columns by name).
     */
    public static List<ForeignKey> foreignKeys(Connection c) throws SQLException {
        String sql = """
                SELECT con.conname,
                       cn.nspname || '.' || cc.relname,
                       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
                               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
                       pn.nspname || '.' || pc.relname,
                       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
                               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
                       con.confdeltype IN ('n', 'd'),
                       CASE WHEN cr.oid <> cc.oid THEN crn.nspname || '.' || cr.relname END,
                       CASE WHEN pr.oid <> pc.oid THEN prn.nspname || '.' || pr.relname END,
                       crn.nspname || '.' || cr.relname,
                       prn.nspname || '.' || pr.relname
                  FROM pg_constraint con
                  JOIN pg_class cc ON cc.oid = con.conrelid
                  JOIN pg_namespace cn ON cn.oid = cc.relnamespace
                  JOIN pg_class pc ON pc.oid = con.confrelid
                  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                  JOIN pg_class cr ON cr.oid = COALESCE(pg_partition_root(con.conrelid), con.conrelid)
                  JOIN pg_namespace crn ON crn.oid = cr.relnamespace
                  JOIN pg_class pr ON pr.oid = COALESCE(pg_partition_root(con.confrelid), con.confrelid)
                  JOIN pg_namespace prn ON prn.oid = pr.relnamespace
                 WHERE con.contype = 'f' AND con.conparentid = 0
                   AND cn.nspname NOT IN ('pg_catalog', 'information_schema')
                 ORDER BY 2, 1""";
        List<ForeignKey> fks = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String childPartition = rs.getString(7) == null ? null : rs.getString(2);
                String parentPartition = rs.getString(8) == null ? null : rs.getString(4);
                fks.add(new ForeignKey(rs.getString(1), rs.getString(9), List.of((String[]) rs.getArray(3).getArray()),
                        rs.getString(10), List.of((String[]) rs.getArray(5).getArray()), rs.getBoolean(6),
                        childPartition, parentPartition));
            }
        }
        return fks;
    }

    /**
     * The SQL expression naming a row of {@code schema.table} (aliased {@code alias}) as the oracle and {@link
     * TableRows} know it: its primary key text, or, for a table without one, its whole row's text and its occurrence
     * among identical rows ({@code (1,10)#1}, {@code (1,10)#2}: such a table is a multiset; identical rows share
     * their foreign-key values, so they are in a closure or out of it together). The occurrence number is a window
     * function: use the expression in a select list over exactly the rows to number.
     */
    public static String rowKey(Connection c, String table, String alias) throws SQLException {
        if (hasPrimaryKey(c, table)) {
            return keyExpression(alias, primaryKey(c, table));
        }
        String row = "ROW(" + String.join(", ", columns(c, table).stream().map(col -> alias + "." + ident(col)).toList())
                + ")::text";
        return row + " || '#' || row_number() OVER (PARTITION BY " + row + ")";
    }

    private static boolean hasPrimaryKey(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'p'"
                + " AND conrelid = ?::regclass)")) {
            ps.setString(1, quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
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

    /** A PostgreSQL table's rows: their {@link #rowKey} and the needed columns as {@code ::text}. */
    private static final class PgRows implements Rows {
        final List<String> keys = new ArrayList<>();
        final List<String[]> values = new ArrayList<>();
        final Map<String, Integer> position = new HashMap<>();
        final Map<String, Integer> partitionPosition = new HashMap<>();
        final List<boolean[]> inPartition = new ArrayList<>();

        /** @param rowKey the {@link #rowKey} expression of {@code table} aliased {@code t} */
        static PgRows load(Connection c, String table, String rowKey, List<String> columns,
                           List<String> partitions) throws SQLException {
            PgRows d = new PgRows();
            for (int i = 0; i < columns.size(); i++) {
                d.position.put(columns.get(i), i);
            }
            StringBuilder sql = new StringBuilder("SELECT ").append(rowKey);
            for (String col : columns) {
                sql.append(", t.").append(ident(col)).append("::text");
            }
            for (int i = 0; i < partitions.size(); i++) {
                d.partitionPosition.put(partitions.get(i), i);
                sql.append(", t.tableoid IN (SELECT relid FROM pg_partition_tree('")
                        .append(quote(partitions.get(i)).replace("'", "''")).append("'::regclass))");
            }
            sql.append(" FROM ").append(quote(table)).append(" AS t");
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery(sql.toString())) {
                    while (rs.next()) {
                        String[] v = new String[columns.size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = rs.getString(i + 2);
                        }
                        boolean[] in = new boolean[partitions.size()];
                        for (int i = 0; i < in.length; i++) {
                            in[i] = rs.getBoolean(columns.size() + 2 + i);
                        }
                        d.keys.add(rs.getString(1));
                        d.values.add(v);
                        d.inPartition.add(in);
                    }
                }
            }
            return d;
        }

        @Override
        public boolean in(int row, String partition) {
            return partition == null || inPartition.get(row)[partitionPosition.get(partition)];
        }

        @Override
        public int size() {
            return keys.size();
        }

        @Override
        public String key(int row) {
            return keys.get(row);
        }

        @Override
        public List<String> values(int row, List<String> columns) {
            String[] v = values.get(row);
            List<String> out = new ArrayList<>(columns.size());
            columns.forEach(col -> out.add(v[position.get(col)]));
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------- any dialect

    /**
     * The closure of the rows of {@code root} that {@code predicate} selects, over the rows of {@code data} (tables
     * of one schema, foreign keys as JDBC metadata reports them), keyed as the snapshot keys them.
     */
    public static Closure compute(Connection c, JdbcSchema schema, Snapshot data, String root, String predicate)
            throws SQLException {
        List<ForeignKey> fks = schema.foreignKeys().stream().filter(fk -> data.tables().contains(fk.child())
                        && data.tables().contains(fk.parent()))
                .map(fk -> new ForeignKey(fk.name(), fk.child(), fk.childColumns(), fk.parent(), fk.parentColumns(),
                        fk.keepsChild())).toList();
        Set<String> reachable = reachable(root, fks);
        Map<String, Rows> rows = new TreeMap<>();
        reachable.forEach(t -> rows.put(t, new SnapshotRows(data.table(t))));
        int[] rootKey = at(data, root, primaryKeyOf(schema, root));
        List<String> rootKeys = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + PurgeTarget.qualified(root) + " WHERE " + predicate)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                rootKeys.add(Snapshot.key(Snapshot.values(rs, n), rootKey));
            }
        }
        return walk(root, reachable, fks.stream().filter(fk -> reachable.contains(fk.parent())).toList(), rows,
                rootKeys);
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

    private static List<String> primaryKeyOf(JdbcSchema schema, String table) {
        List<String> key = schema.primaryKeys().get(table);
        if (key == null || key.isEmpty()) {
            throw new AssertionError(table + " has no primary key: the oracle keys rows by primary key");
        }
        return key;
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

    /** The values at {@code cols}, or null when one of them is null (such a reference references nothing). */
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

    /** A snapshot table's rows, keyed as the snapshot keys them. */
    private static final class SnapshotRows implements Rows {
        final List<String> columns;
        final List<String> keys = new ArrayList<>();
        final List<String[]> rows = new ArrayList<>();

        SnapshotRows(Snapshot.TableData table) {
            columns = table.columns();
            new TreeMap<>(table.rows()).forEach((k, r) -> {
                keys.add(k);
                rows.add(r);
            });
        }

        @Override
        public int size() {
            return keys.size();
        }

        @Override
        public String key(int row) {
            return keys.get(row);
        }

        @Override
        public List<String> values(int row, List<String> cols) {
            List<String> out = new ArrayList<>(cols.size());
            cols.forEach(col -> out.add(rows.get(row)[columns.indexOf(col)]));
            return out;
        }
    }

    // ----------------------------------------------------------------------------------------------- the walk

    /** Tables reachable from the root through any foreign key, SET NULL ones included (their rows may be reset). */
    private static Set<String> reachable(String root, List<ForeignKey> fks) {
        Map<String, List<ForeignKey>> outgoing = new HashMap<>();
        fks.forEach(fk -> outgoing.computeIfAbsent(fk.parent(), k -> new ArrayList<>()).add(fk));
        Set<String> reachable = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (reachable.add(t)) {
                outgoing.getOrDefault(t, List.of()).forEach(fk -> todo.push(fk.child()));
            }
        }
        return reachable;
    }

    private static Closure walk(String root, Set<String> reachable, List<ForeignKey> edges, Map<String, Rows> data,
                                List<String> rootKeys) {
        // child lookup per edge: FK values (all non-null) -> child rows
        Map<ForeignKey, Map<List<String>, List<Integer>>> childIndex = new HashMap<>();
        for (ForeignKey fk : edges) {
            Rows child = data.get(fk.child());
            Map<List<String>, List<Integer>> index = new HashMap<>();
            for (int i = 0; i < child.size(); i++) {
                if (!child.in(i, fk.childPartition())) {
                    continue; // a key declared on another partition: it does not bind this row
                }
                List<String> values = child.values(i, fk.childColumns());
                if (!values.contains(null)) {
                    index.computeIfAbsent(values, k -> new ArrayList<>()).add(i);
                }
            }
            childIndex.put(fk, index);
        }
        Map<String, Integer> rootRows = new HashMap<>();
        Rows rootData = data.get(root);
        for (int i = 0; i < rootData.size(); i++) {
            rootRows.put(rootData.key(i), i);
        }

        Map<String, Set<Integer>> found = new TreeMap<>();
        reachable.forEach(t -> found.put(t, new HashSet<>()));
        record Hit(String table, int row) {
        }
        Deque<Hit> queue = new ArrayDeque<>();
        for (String key : rootKeys) {
            Integer row = rootRows.get(key);
            if (row == null) {
                throw new IllegalStateException("root key " + key + " not loaded");
            }
            if (found.get(root).add(row)) {
                queue.add(new Hit(root, row));
            }
        }
        while (!queue.isEmpty()) {
            Hit h = queue.poll();
            for (ForeignKey fk : edges) {
                if (fk.keepsChild() || !fk.parent().equals(h.table())
                        || !data.get(h.table()).in(h.row(), fk.parentPartition())) {
                    continue;
                }
                List<String> values = data.get(h.table()).values(h.row(), fk.parentColumns());
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

        // resets: rows outside the closure pointing at closure rows through SET NULL / SET DEFAULT keys
        Map<String, Map<String, Set<String>>> resets = new TreeMap<>();
        for (ForeignKey fk : edges) {
            if (!fk.keepsChild()) {
                continue;
            }
            for (int parentRow : found.get(fk.parent())) {
                if (!data.get(fk.parent()).in(parentRow, fk.parentPartition())) {
                    continue;
                }
                List<String> values = data.get(fk.parent()).values(parentRow, fk.parentColumns());
                if (values.contains(null)) {
                    continue;
                }
                for (int child : childIndex.get(fk).getOrDefault(values, List.of())) {
                    if (!found.get(fk.child()).contains(child)) {
                        resets.computeIfAbsent(fk.child(), k -> new TreeMap<>())
                                .computeIfAbsent(data.get(fk.child()).key(child), k -> new LinkedHashSet<>())
                                .addAll(fk.childColumns());
                    }
                }
            }
        }

        Map<String, Set<String>> keys = new TreeMap<>();
        found.forEach((t, rows) -> {
            Set<String> k = new TreeSet<>();
            rows.forEach(r -> k.add(data.get(t).key(r)));
            keys.put(t, Collections.unmodifiableSet(k));
        });
        return new Closure(root, Collections.unmodifiableMap(keys), edges, Collections.unmodifiableMap(resets));
    }
}
