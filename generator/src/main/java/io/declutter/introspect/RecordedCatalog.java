package io.declutter.introspect;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.model.Catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A catalog recorded as the rows a dialect's catalog queries return: one tab-separated file per query
 * ({@code tables.tsv}, {@code columns.tsv}, ...), a header line of the column aliases, then one line per row
 * ({@code \N} for NULL; {@code \t}, {@code \n}, {@code \\} escaped). {@link #read} feeds those rows to the real
 * {@link CatalogReader}, so a recorded catalog builds exactly the model a live one would; {@link #record} writes
 * them from a live database. This is how an Oracle job is generated (and tested) where no Oracle server is
 * reachable: record the catalog where one is, generate anywhere.
 */
public final class RecordedCatalog {

    private RecordedCatalog() {
    }

    /** The catalog the recorded rows in {@code dir} describe, assembled by {@link CatalogReader}. */
    public static Catalog read(Path dir, Dialect dialect) {
        Map<CatalogQuery, Rows> rows = new TreeMap<>();
        for (CatalogQuery q : CatalogQuery.values()) {
            Path file = dir.resolve(fileName(q));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("recorded catalog " + dir + " has no " + fileName(q)
                        + " (one file per catalog query: " + String.join(", ",
                        Arrays.stream(CatalogQuery.values()).map(RecordedCatalog::fileName).toList()) + ")");
            }
            try {
                rows.put(q, parse(Files.readString(file, StandardCharsets.UTF_8), file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return new CatalogReader(dialect).read(connection(dialect, rows));
        } catch (SQLException e) {
            throw new IllegalArgumentException("recorded catalog " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Runs the dialect's catalog queries on a live database and writes their rows under {@code dir}. */
    public static void record(Connection connection, Dialect dialect, Path dir) throws SQLException, IOException {
        Files.createDirectories(dir);
        for (CatalogQuery q : CatalogQuery.values()) {
            StringBuilder out = new StringBuilder();
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(dialect.catalogSql(q))) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> header = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    header.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
                }
                out.append(String.join("\t", header)).append('\n');
                while (rs.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        values.add(escape(rs.getString(i)));
                    }
                    out.append(String.join("\t", values)).append('\n');
                }
            }
            Files.writeString(dir.resolve(fileName(q)), out.toString(), StandardCharsets.UTF_8);
        }
    }

    public static String fileName(CatalogQuery q) {
        return q.name().toLowerCase(Locale.ROOT) + ".tsv";
    }

    /** Parsed rows of one query: column aliases (lower case) and values (null for NULL). */
    record Rows(List<String> header, List<List<String>> values) {
    }

    static Rows parse(String text, Path source) {
        List<String> lines = text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(source + ": no header line");
        }
        List<String> header = Arrays.stream(lines.get(0).split("\t", -1)).map(h -> h.strip().toLowerCase(Locale.ROOT))
                .toList();
        List<List<String>> values = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            List<String> row = Arrays.stream(lines.get(n).split("\t", -1)).map(RecordedCatalog::unescape).toList();
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(source + ": line " + (n + 1) + " has " + row.size()
                        + " values for " + header.size() + " columns");
            }
            values.add(row);
        }
        return new Rows(header, values);
    }

    static String escape(String value) {
        if (value == null) {
            return "\\N";
        }
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String value) {
        if (value.equals("\\N")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                sb.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A JDBC connection that answers each catalog query of the dialect with its recorded rows, and nothing else. */
    private static Connection connection(Dialect dialect, Map<CatalogQuery, Rows> rows) {
        InvocationHandler statement = (proxy, method, args) -> switch (method.getName()) {
            case "executeQuery" -> {
                String sql = (String) args[0];
                for (CatalogQuery q : CatalogQuery.values()) {
                    if (dialect.catalogSql(q).equals(sql)) {
                        yield resultSet(rows.get(q));
                    }
                }
                throw new SQLException("not a catalog query of dialect " + dialect.name());
            }
            case "close" -> null;
            default -> throw new UnsupportedOperationException("recorded catalog: Statement." + method.getName());
        };
        InvocationHandler connection = (proxy, method, args) -> switch (method.getName()) {
            case "createStatement" -> Proxy.newProxyInstance(RecordedCatalog.class.getClassLoader(),
                    new Class<?>[] {Statement.class}, statement);
            case "close" -> null;
            default -> throw new UnsupportedOperationException("recorded catalog: Connection." + method.getName());
        };
        return (Connection) Proxy.newProxyInstance(RecordedCatalog.class.getClassLoader(),
                new Class<?>[] {Connection.class}, connection);
    }

    private static ResultSet resultSet(Rows rows) {
        int[] at = {-1};
        boolean[] wasNull = {false};
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "next":
                    at[0]++;
                    return at[0] < rows.values().size();
                case "close":
                    return null;
                case "wasNull":
                    return wasNull[0];
                default:
                    break;
            }
            if (args == null || args.length != 1) {
                throw new UnsupportedOperationException("recorded catalog: ResultSet." + method.getName());
            }
            int column = args[0] instanceof Integer i ? i - 1
                    : rows.header().indexOf(((String) args[0]).toLowerCase(Locale.ROOT));
            if (column < 0 || column >= rows.header().size()) {
                throw new SQLException("recorded catalog has no column " + args[0]);
            }
            String v = rows.values().get(at[0]).get(column);
            wasNull[0] = v == null;
            return switch (method.getName()) {
                case "getString" -> v;
                case "getLong" -> v == null ? 0L : Long.parseLong(v.strip());
                case "getInt" -> v == null ? 0 : Integer.parseInt(v.strip());
                case "getBoolean" -> v != null && switch (v.strip().toLowerCase(Locale.ROOT)) {
                    case "1", "t", "true", "y", "yes" -> true;
                    default -> false;
                };
                default -> throw new UnsupportedOperationException("recorded catalog: ResultSet." + method.getName());
            };
        };
        return (ResultSet) Proxy.newProxyInstance(RecordedCatalog.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, handler);
    }
}
