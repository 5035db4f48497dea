package io.declutter.dialect.postgres;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Resources;

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
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public int maxIdentifierBytes() {
        return 63;
    }

    @Override
    public String catalogSql(CatalogQuery query) {
        return Resources.text(PostgresDialect.class, query.resourceName());
    }
}
