package io.declutter.runner.purge;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Order-independent checksum of a table's whole content: md5 of the sorted md5s of its rows (every column,
 * identity values included). Equal checksums mean equal content.
 */
public final class Checksums {

    private Checksums() {
    }

    public record Sum(long rows, String md5) {
        @Override
        public String toString() {
            // an empty table's md5 is "-"
            return rows + " rows " + md5.substring(0, Math.min(12, md5.length()));
        }
    }

    /** @param tables names already quoted and qualified, e.g. {@code app.users} */
    public static Map<String, Sum> of(Connection connection, List<String> tables) throws SQLException {
        Map<String, Sum> sums = new TreeMap<>();
        try (Statement st = connection.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), COALESCE(md5(string_agg(h, '' ORDER BY h)), '-')"
                        + " FROM (SELECT md5(x::text) AS h FROM " + t + " AS x) AS rows")) {
                    rs.next();
                    sums.put(t, new Sum(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        return sums;
    }

    /** Every user table of the given schemas, qualified and quoted, sorted. */
    public static List<String> tablesOf(Connection connection, String... schemas) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
                + " FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = ANY (?)"
                + " ORDER BY 1")) {
            ps.setArray(1, connection.createArrayOf("text", schemas));
            try (ResultSet rs = ps.executeQuery()) {
                List<String> tables = new java.util.ArrayList<>();
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
                return tables;
            }
        }
    }
}
