package io.declutter.runner.random;

import io.declutter.runner.testing.ClosureOracle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The application, writing while a purge runs: new rows, each a child (through a random foreign key of the schema,
 * self-references and cycle edges included) of a row the run purges and has not deleted yet: a closure row or an
 * earlier late row. Such rows belong to the purge (invariant 5: caught up, backed up, deleted, never an orphan, never
 * a failed run). What committed is kept, by table, as key text to row md5 (the same fingerprints as {@code
 * TableRows}).
 */
final class LateRows {

    private final RandomSchema schema;
    private final ClosureOracle.Closure closure;
    private final int number;
    private final AtomicInteger counter = new AtomicInteger();
    private final Map<String, Map<String, String>> committed = new TreeMap<>();

    LateRows(RandomSchema schema, ClosureOracle.Closure closure, int number) {
        this.schema = schema;
        this.closure = closure;
        this.number = number;
    }

    /** Table ({@code schema.table}) to late rows committed so far (key text to row md5). */
    synchronized Map<String, Map<String, String>> committed() {
        Map<String, Map<String, String>> copy = new TreeMap<>();
        committed.forEach((t, rows) -> copy.put(t, Map.copyOf(rows)));
        return copy;
    }

    synchronized boolean isEmpty() {
        return committed.isEmpty();
    }

    /** Up to {@code n} rows, each committed on its own (autocommit), between two steps of the run. */
    void insertEach(Connection c, Random rnd, int n, StringBuilder trace) throws SQLException {
        for (int i = 0; i < n; i++) {
            Map<String, Map<String, String>> rows = new TreeMap<>();
            insertOne(c, rnd, rows, trace);
            merge(rows);
        }
    }

    /**
     * One application transaction of {@code n} inserts with short pauses, meant to run while a step runs: it may wait
     * for the step's locks, find its parent deleted meanwhile (a foreign key violation), or deadlock with the step;
     * then it rolls back, as an application would, and nothing of it counts. Returns how it ended.
     */
    String transaction(Connection c, Random rnd, int n) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        StringBuilder trace = new StringBuilder();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lock_timeout = '20s'");
            }
            for (int i = 0; i < n; i++) {
                insertOne(c, rnd, rows, trace);
                Thread.sleep(rnd.nextInt(4));
            }
            c.commit();
            merge(rows);
            return "committed " + rows.values().stream().mapToInt(Map::size).sum() + " rows: " + trace;
        } catch (SQLException e) {
            rollback(c);
            return "rolled back (" + e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse("") + ")";
        } catch (InterruptedException e) {
            rollback(c);
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the caller opens another one
            }
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection rolls back by itself
        }
    }

    private synchronized void merge(Map<String, Map<String, String>> rows) {
        rows.forEach((t, r) -> committed.computeIfAbsent(t, k -> new HashMap<>()).putAll(r));
    }

    private synchronized Set<String> purgedKeys(String table, Map<String, Map<String, String>> pending) {
        Set<String> keys = new HashSet<>(closure.keys(table));
        keys.addAll(committed.getOrDefault(table, Map.of()).keySet());
        keys.addAll(pending.getOrDefault(table, Map.of()).keySet());
        return keys;
    }

    private void insertOne(Connection c, Random rnd, Map<String, Map<String, String>> into, StringBuilder trace)
            throws SQLException {
        // a child through a foreign key the purge follows (through a SET NULL one the row would stay)
        // (not through a key declared on one partition only: the new row's key puts it in the last partition; not
        // into a table with a deriving trigger or its side table: the trigger would add a row nobody counts; not into a
        // table without a key: the oracle knows its rows by text and occurrence, which a late copy would renumber)
        List<RandomSchema.ForeignKey> followed = schema.foreignKeys.stream().filter(RandomSchema.ForeignKey::followed)
                .filter(f -> f.childPartition == null && f.child.derives == null && f.child.derivedFrom == null
                        && !f.child.keyless)
                .toList();
        if (followed.isEmpty()) {
            return;
        }
        RandomSchema.ForeignKey fk = followed.get(rnd.nextInt(followed.size()));
        Set<String> purged = purgedKeys(schema.display(fk.parent), into);
        if (purged.isEmpty()) {
            return;
        }
        List<String> values = presentRow(c, rnd, fk.parent, relation(fk), fk.parentColumns, purged);
        if (values == null) {
            return;
        }
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < fk.childColumns.size(); i++) {
            row.put(fk.childColumns.get(i), values.get(i));
        }
        if (!fill(c, rnd, fk, row)) {
            return;
        }
        RandomSchema.Table t = fk.child;
        List<RandomSchema.Column> cols = t.columns.stream()
                .filter(col -> col.generated == null && col.identity == RandomSchema.Identity.NONE).toList();
        String sql = "INSERT INTO " + schema.qualified(t) + " AS x" + (cols.isEmpty() ? " DEFAULT VALUES" : " ("
                + cols.stream().map(col -> Names.quote(col.name)).collect(Collectors.joining(", ")) + ") VALUES ("
                + cols.stream().map(col -> row.get(col.name) == null ? "NULL"
                : Names.literal(row.get(col.name)) + "::" + col.type).collect(Collectors.joining(", ")) + ")")
                + " RETURNING " + ClosureOracle.keyExpression("x", t.primaryKey)
                + ", md5(ROW(" + t.columns.stream().map(col -> "x." + Names.quote(col.name))
                .collect(Collectors.joining(", ")) + ")::text)";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            into.computeIfAbsent(schema.display(t), k -> new HashMap<>()).put(rs.getString(1), rs.getString(2));
            trace.append("late ").append(t.name.length() > 20 ? "t" + t.index : t.name).append(' ')
                    .append(rs.getString(1)).append(" via ").append(fk.kind).append("; ");
        } catch (SQLException e) {
            SQLException wrapped = new SQLException("late insert failed: " + e.getMessage() + "\n" + sql, e.getSQLState(), e);
            throw wrapped;
        }
    }

    /** Values (as text) of {@code columns} of a present row of {@code t} whose key is in {@code keys}; null if none. */
    /** The relation a foreign key references: its parent table, or the partition of it. */
    private String relation(RandomSchema.ForeignKey fk) {
        return fk.parentPartition == null ? schema.qualified(fk.parent)
                : Names.quote(schema.schema) + "." + Names.quote(fk.parentPartition);
    }

    private List<String> presentRow(Connection c, Random rnd, RandomSchema.Table t, String relation,
                                    List<String> columns, Set<String> keys) throws SQLException {
        String key = ClosureOracle.keyExpression("x", t.primaryKey);
        String sql = "SELECT " + columns.stream().map(col -> "x." + Names.quote(col) + "::text")
                .collect(Collectors.joining(", ")) + " FROM " + relation + " AS x WHERE " + key
                + " = ANY (?) ORDER BY " + key;
        List<List<String>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> v = new ArrayList<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        v.add(rs.getString(i));
                    }
                    if (!v.contains(null)) {
                        rows.add(v);
                    }
                }
            }
        }
        return rows.isEmpty() ? null : rows.get(rnd.nextInt(rows.size()));
    }

    /** Fresh keys, the other foreign keys (NULL, or any present row) and payload; false when no row can be made. */
    private boolean fill(Connection c, Random rnd, RandomSchema.ForeignKey chosen, Map<String, String> row)
            throws SQLException {
        RandomSchema.Table t = chosen.child;
        int id = 1_000_000 + number * 1000 + counter.incrementAndGet();
        for (RandomSchema.Column col : t.columns) {
            if (col.key && col.identity == RandomSchema.Identity.NONE) {
                row.put(col.name, col.type.equals("text") ? "late " + id + " '" : String.valueOf(id));
            }
        }
        for (RandomSchema.ForeignKey fk : schema.foreignKeys) {
            if (fk.child != t || fk == chosen) {
                continue;
            }
            if (fk.nullable() && (rnd.nextInt(3) > 0 || !fk.followed())) {
                fk.childColumns.forEach(col -> row.put(col, null));
                continue;
            }
            List<String> any = anyRow(c, rnd, relation(fk), fk.parentColumns);
            if (any == null) {
                if (!fk.nullable()) {
                    return false;
                }
                fk.childColumns.forEach(col -> row.put(col, null));
                continue;
            }
            for (int i = 0; i < fk.childColumns.size(); i++) {
                row.put(fk.childColumns.get(i), any.get(i));
            }
        }
        for (RandomSchema.Column col : t.columns) {
            if (col.payload != null && !row.containsKey(col.name)) {
                row.put(col.name, switch (col.payload) {
                    case "text" -> "late ' row";
                    case "int" -> String.valueOf(rnd.nextInt(50));
                    case "numeric" -> "1.50";
                    case "ts" -> "2024-02-29 12:00:00+00";
                    case "json" -> "{\"late\": true}";
                    case "bool", "guard" -> "true";
                    case "bytea" -> "\\x00ff";
                    case "intarr" -> "{7}";
                    case "date" -> "2024-02-29";
                    default -> null; // the root's flag: a late root row (a child through a self-reference) is not selected
                });
            }
        }
        return true;
    }

    private List<String> anyRow(Connection c, Random rnd, String relation, List<String> columns)
            throws SQLException {
        String sql = "SELECT " + columns.stream().map(col -> "x." + Names.quote(col) + "::text")
                .collect(Collectors.joining(", ")) + " FROM " + relation + " AS x WHERE "
                + columns.stream().map(col -> "x." + Names.quote(col) + " IS NOT NULL").collect(Collectors.joining(" AND "))
                + " ORDER BY 1";
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<String> v = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    v.add(rs.getString(i));
                }
                rows.add(v);
            }
        }
        return rows.isEmpty() ? null : rows.get(rnd.nextInt(rows.size()));
    }
}
