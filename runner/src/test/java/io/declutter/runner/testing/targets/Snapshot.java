package io.declutter.runner.testing.targets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every row of every table of a schema, read with {@code SELECT *} and hashed in Java (LOBs and binary values
 * included), so the comparison never depends on a dialect's hash functions. A row is known by its primary key
 * (the whole row for a table without one); {@link #rows} maps each table to key to the md5 of the whole row.
 */
public final class Snapshot {

    /** The values of one table, in column order, as text. */
    public record TableData(List<String> columns, Map<String, String[]> rows) {
    }

    private final Map<String, TableData> data;

    private Snapshot(Map<String, TableData> data) {
        this.data = data;
    }

    public static Snapshot read(Connection c, JdbcSchema schema) throws SQLException {
        Map<String, TableData> data = new TreeMap<>();
        for (String table : schema.tables()) {
            List<String> key = schema.primaryKeys().get(table);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + PurgeTarget.qualified(table))) {
                List<String> columns = columns(rs.getMetaData());
                int[] keyAt = key.stream().mapToInt(columns::indexOf).toArray();
                Map<String, String[]> rows = new HashMap<>();
                while (rs.next()) {
                    String[] row = values(rs, columns.size());
                    String k = keyAt.length == 0 ? String.join("\u0001", nulls(row)) : key(row, keyAt);
                    if (rows.put(k, row) != null) {
                        throw new AssertionError(table + ": two rows with key " + k);
                    }
                }
                data.put(table, new TableData(columns, rows));
            }
        }
        return new Snapshot(data);
    }

    /**
     * The rows of one run in a backup table ({@code declutter_run}, {@code declutter_seq} and the table's columns),
     * keyed and hashed like {@code table}'s rows of {@code like}: the hash covers the table's columns, in its order.
     */
    public static Map<String, String> backupRows(Connection c, String backupTable, long run, String table,
                                                 Snapshot like, JdbcSchema schema) throws SQLException {
        List<String> tableColumns = like.data.get(table).columns();
        List<String> key = schema.primaryKeys().get(table);
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + backupTable + " WHERE declutter_run = ?")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> columns = columns(rs.getMetaData());
                int[] at = tableColumns.stream().mapToInt(col -> {
                    int i = columns.indexOf(col);
                    if (i < 0) {
                        throw new AssertionError(backupTable + " has no column " + col + " of " + table + ": " + columns);
                    }
                    return i;
                }).toArray();
                int[] keyAt = key.stream().mapToInt(tableColumns::indexOf).toArray();
                while (rs.next()) {
                    String[] all = values(rs, columns.size());
                    String[] row = new String[at.length];
                    for (int i = 0; i < at.length; i++) {
                        row[i] = all[at[i]];
                    }
                    String k = keyAt.length == 0 ? String.join("\u0001", nulls(row)) : key(row, keyAt);
                    if (out.put(k, md5(row)) != null) {
                        throw new AssertionError(backupTable + ": run " + run + " holds key " + k + " twice");
                    }
                }
            }
        }
        return out;
    }

    public Set<String> tables() {
        return data.keySet();
    }

    public TableData table(String table) {
        TableData t = data.get(table);
        if (t == null) {
            throw new AssertionError("no table " + table + " in " + data.keySet());
        }
        return t;
    }

    /** Table to (key to md5 of the whole row). */
    public Map<String, Map<String, String>> rows() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        data.forEach((table, t) -> {
            Map<String, String> hashes = new TreeMap<>();
            t.rows().forEach((k, row) -> hashes.put(k, md5(row)));
            out.put(table, hashes);
        });
        return out;
    }

    /** Per table: row count and md5 over the sorted row hashes (order-independent). */
    public Map<String, String> checksums() {
        Map<String, String> out = new TreeMap<>();
        rows().forEach((table, hashes) -> {
            MessageDigest md = digest();
            hashes.values().stream().sorted().forEach(h -> md.update(h.getBytes(StandardCharsets.US_ASCII)));
            out.put(table, hashes.size() + " " + HexFormat.of().formatHex(md.digest()));
        });
        return out;
    }

    /** The key of a row: its key columns' values, separated by U+0001. */
    public static String key(String[] row, int[] keyAt) {
        StringBuilder k = new StringBuilder();
        for (int i = 0; i < keyAt.length; i++) {
            if (i > 0) {
                k.append('\u0001');
            }
            k.append(row[keyAt[i]]);
        }
        return k.toString();
    }

    private static List<String> columns(ResultSetMetaData md) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnName(i));
        }
        return columns;
    }

    /** Every value as text; a LOB by its content, binary values in hex. */
    public static String[] values(ResultSet rs, int n) throws SQLException {
        String[] row = new String[n];
        for (int i = 1; i <= n; i++) {
            Object o = rs.getObject(i);
            if (o == null) {
                row[i - 1] = null;
            } else if (o instanceof Clob clob) {
                row[i - 1] = clob.getSubString(1, (int) clob.length());
            } else if (o instanceof Blob blob) {
                row[i - 1] = "x" + HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
            } else if (o instanceof byte[] bytes) {
                row[i - 1] = "x" + HexFormat.of().formatHex(bytes);
            } else {
                row[i - 1] = rs.getString(i);
            }
        }
        return row;
    }

    private static String[] nulls(String[] row) {
        String[] out = row.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = "\u0002";
            }
        }
        return out;
    }

    static String md5(String[] row) {
        MessageDigest md = digest();
        for (String v : row) {
            // a null and every text differ: a null is one marker byte, a value is its length then its bytes
            if (v == null) {
                md.update((byte) 0);
            } else {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                md.update((byte) 1);
                md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) ':');
                md.update(b);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        data.forEach((t, d) -> sizes.put(t, d.rows().size()));
        return sizes.toString();
    }
}
