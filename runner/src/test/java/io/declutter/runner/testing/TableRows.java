package io.declutter.runner.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-row fingerprints of tables: primary key text ({@code ROW(pk...)::text}; for a table without a key, {@link
 * ClosureOracle#rowKey row text and occurrence}) to the md5 of every column of the
 * row, listed explicitly in column order ({@code md5(ROW(c1, c2, ...)::text)}), so a row of an application table
 * and its copy in a backup table (same column names and types, plus bookkeeping columns) have the same md5.
 */
public final class TableRows {

    private TableRows() {
    }

    /** Key text to row md5 for a table. */
    public static Map<String, String> of(Connection c, String table) throws SQLException {
        return query(c, table, ClosureOracle.quote(table), null);
    }

    /** Key text to row md5 for every table given ({@code schema.table}). */
    public static Map<String, Map<String, String>> of(Connection c, Iterable<String> tables) throws SQLException {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (String t : tables) {
            all.put(t, of(c, t));
        }
        return all;
    }

    /**
     * The rows of {@code table} that a backup table holds for a run, fingerprinted over the columns of
     * {@code table} (the backup's own bookkeeping columns left out). Fails if the backup lacks a column.
     *
     * @param backupTable qualified and quoted, as the control table names it
     */
    public static Map<String, String> inBackup(Connection c, String table, String backupTable, long run)
            throws SQLException {
        return query(c, table, backupTable, run);
    }

    private static Map<String, String> query(Connection c, String table, String from, Long run) throws SQLException {
        List<String> columns = ClosureOracle.columns(c, table);
        String row = "ROW(" + String.join(", ", columns.stream().map(col -> "x." + ClosureOracle.ident(col)).toList())
                + ")::text";
        String sql = "SELECT " + ClosureOracle.rowKey(c, table, "x") + ", md5(" + row + ") FROM " + from + " AS x"
                + (run == null ? "" : " WHERE x.declutter_run = ?");
        Map<String, String> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (run != null) {
                ps.setLong(1, run);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rows.put(rs.getString(1), rs.getString(2)) != null) {
                        throw new IllegalStateException(from + " holds key " + rs.getString(1) + " twice"
                                + (run == null ? "" : " for run " + run));
                    }
                }
            }
        }
        return Collections.unmodifiableMap(rows);
    }

    /**
     * What differs between two fingerprint maps, for readable failures: keys only in {@code actual}, only in
     * {@code expected}, and in both with different content (at most 10 of each are named). Empty when equal.
     */
    public static String difference(Map<String, String> actual, Map<String, String> expected) {
        Set<String> extra = missing(actual, expected);
        Set<String> lacking = missing(expected, actual);
        Set<String> changed = changed(expected, actual);
        if (extra.isEmpty() && lacking.isEmpty() && changed.isEmpty()) {
            return "";
        }
        return String.format("%d rows (expected %d): %d unexpected %s, %d missing %s, %d with other content %s",
                actual.size(), expected.size(), extra.size(), sample(extra), lacking.size(), sample(lacking),
                changed.size(), sample(changed));
    }

    private static String sample(Set<String> keys) {
        return keys.stream().sorted().limit(10).toList() + (keys.size() > 10 ? "..." : "");
    }

    /** Keys of {@code before} that {@code after} no longer has. */
    public static Set<String> missing(Map<String, String> before, Map<String, String> after) {
        Set<String> gone = new HashSet<>(before.keySet());
        gone.removeAll(after.keySet());
        return gone;
    }

    /** Keys present in both whose row md5 differs. */
    public static Set<String> changed(Map<String, String> before, Map<String, String> after) {
        Set<String> changed = new HashSet<>();
        before.forEach((k, md5) -> {
            String now = after.get(k);
            if (now != null && !now.equals(md5)) {
                changed.add(k);
            }
        });
        return changed;
    }

    /** The entries of {@code rows} whose key is in {@code keys}. */
    public static Map<String, String> only(Map<String, String> rows, Set<String> keys) {
        Map<String, String> out = new HashMap<>();
        rows.forEach((k, v) -> {
            if (keys.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The entries of {@code rows} whose key is not in {@code keys}. */
    public static Map<String, String> except(Map<String, String> rows, Set<String> keys) {
        Map<String, String> out = new HashMap<>();
        rows.forEach((k, v) -> {
            if (!keys.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
