package io.declutter.runner.testing;

import io.declutter.runner.purge.Checksums;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a command could change in a database, captured so that "bad input changes nothing" can be asserted
 * with one {@code isEqualTo}: the user schemas, every user table with a checksum of its whole content (the
 * {@code declutter} schema and Liquibase's tables included), every user function and procedure, and the
 * sequences' last values.
 */
public record DatabaseState(List<String> schemas, Map<String, Checksums.Sum> tables, List<String> routines,
                            Map<String, Long> sequences) {

    private static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    public static DatabaseState of(Connection c) throws SQLException {
        List<String> schemas = strings(c, "SELECT n.nspname FROM pg_namespace n WHERE " + USER_SCHEMAS + " ORDER BY 1");
        List<String> tables = Checksums.tablesOf(c, schemas.toArray(String[]::new));
        List<String> routines = strings(c, "SELECT n.nspname || '.' || p.proname || '(' ||"
                + " pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p"
                + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMAS + " ORDER BY 1");
        Map<String, Long> sequences = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname || '.' || sequencename, last_value"
                + " FROM pg_sequences ORDER BY 1"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long v = rs.getLong(2);
                sequences.put(rs.getString(1), rs.wasNull() ? null : v);
            }
        }
        return new DatabaseState(schemas, Checksums.of(c, tables), routines, sequences);
    }

    public boolean hasSchema(String name) {
        return schemas.contains(name);
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
