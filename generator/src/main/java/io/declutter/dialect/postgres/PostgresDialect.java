package io.declutter.dialect.postgres;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Resources;
import io.declutter.model.TableName;
import io.declutter.plan.BackupNames;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** PostgreSQL 12 and later. */
public final class PostgresDialect implements Dialect {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    /** Every keyword that is not fully unreserved, from {@code pg_get_keywords()}: quoting them is always safe. */
    private static final Set<String> KEYWORDS =
            Set.of(Resources.text(PostgresDialect.class, "keywords.txt").strip().split(" "));

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String quote(String identifier) {
        if (PLAIN.matcher(identifier).matches() && !KEYWORDS.contains(identifier)) {
            return identifier;
        }
        if (hasControlCharacter(identifier)) {
            // U&"..." with the control characters escaped: a CR or LF written as such would not survive Liquibase
            // (it removes every CR from the SQL it runs) or a line-ending conversion of the generated files.
            return "U&\"" + unicodeEscaped(identifier.replace("\"", "\"\"")) + "\"";
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Whether the text holds a character below U+0020 or U+007F (line breaks, tabs, other controls). */
    public static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
    }

    /** The body of a {@code U&"..."} or {@code U&'...'}: backslashes doubled, control characters as {@code \XXXX}. */
    public static String unicodeEscaped(String text) {
        StringBuilder sb = new StringBuilder();
        for (char ch : text.toCharArray()) {
            if (ch == '\\') {
                sb.append("\\\\");
            } else if (ch < 0x20 || ch == 0x7f) {
                sb.append(String.format("\\%04X", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    @Override
    public int maxIdentifierBytes() {
        return 63;
    }

    /**
     * {@code CREATE INDEX CONCURRENTLY} does not block writes; {@code IF NOT EXISTS} makes a re-run harmless. The
     * index lives in the table's schema (PostgreSQL allows no other), named {@code <table>_<columns>_idx}.
     */
    @Override
    public String createIndexStatement(TableName table, List<String> columns) {
        String name = BackupNames.fit(table.name() + "_" + String.join("_", columns) + "_idx", maxIdentifierBytes());
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + quote(name) + " ON " + qualify(table.schema(), table.name())
                + " (" + columnList(columns, "") + ");";
    }

    @Override
    public String catalogSql(CatalogQuery query) {
        return Resources.text(PostgresDialect.class, query.resourceName());
    }
}
