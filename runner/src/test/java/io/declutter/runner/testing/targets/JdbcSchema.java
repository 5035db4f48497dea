package io.declutter.runner.testing.targets;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables, primary keys and foreign keys of one schema, read through standard JDBC {@link DatabaseMetaData}
 * ({@code getTables}, {@code getPrimaryKeys}, {@code getImportedKeys}): the same calls on PostgreSQL and Oracle, and
 * independent of the catalog SQL declutter itself runs.
 */
public record JdbcSchema(List<String> tables, Map<String, List<String>> primaryKeys, List<ForeignKey> foreignKeys) {

    /** One foreign key: child columns reference parent columns (a primary or unique key), in key order. */
    public record ForeignKey(String name, String child, List<String> childColumns, String parent,
                             List<String> parentColumns, int deleteRule) {

        /** Deleting a parent leaves the child row in place (SET NULL / SET DEFAULT): the edge is not followed. */
        public boolean keepsChild() {
            return deleteRule == DatabaseMetaData.importedKeySetNull
                    || deleteRule == DatabaseMetaData.importedKeySetDefault;
        }
    }

    /** Tables are named {@code schema.table}, exactly as the catalog stores both parts. */
    public static JdbcSchema read(Connection c, String schema) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, schema, "%", new String[] {"TABLE", "PARTITIONED TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
            }
        }
        tables.sort(null);
        Map<String, List<String>> keys = new TreeMap<>();
        List<ForeignKey> fks = new ArrayList<>();
        for (String table : tables) {
            String name = table.substring(table.indexOf('.') + 1);
            TreeMap<Integer, String> pk = new TreeMap<>();
            try (ResultSet rs = md.getPrimaryKeys(null, schema, name)) {
                while (rs.next()) {
                    pk.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                }
            }
            keys.put(table, List.copyOf(pk.values()));
            // one entry per constraint, its columns in KEY_SEQ order
            Map<String, TreeMap<Integer, String[]>> columns = new TreeMap<>();
            Map<String, String[]> heads = new TreeMap<>();
            try (ResultSet rs = md.getImportedKeys(null, schema, name)) {
                while (rs.next()) {
                    String parent = rs.getString("PKTABLE_SCHEM") + "." + rs.getString("PKTABLE_NAME");
                    String id = rs.getString("FK_NAME") + "\u0000" + parent;
                    heads.put(id, new String[] {rs.getString("FK_NAME"), parent, Integer.toString(rs.getInt("DELETE_RULE"))});
                    columns.computeIfAbsent(id, k -> new TreeMap<>()).put(rs.getInt("KEY_SEQ"),
                            new String[] {rs.getString("FKCOLUMN_NAME"), rs.getString("PKCOLUMN_NAME")});
                }
            }
            for (Map.Entry<String, String[]> e : heads.entrySet()) {
                List<String> child = new ArrayList<>();
                List<String> parent = new ArrayList<>();
                columns.get(e.getKey()).values().forEach(pair -> {
                    child.add(pair[0]);
                    parent.add(pair[1]);
                });
                fks.add(new ForeignKey(e.getValue()[0], table, child, e.getValue()[1], parent,
                        Integer.parseInt(e.getValue()[2])));
            }
        }
        return new JdbcSchema(List.copyOf(tables), keys, List.copyOf(fks));
    }
}
