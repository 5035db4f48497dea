package io.declutter.localdb;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small edits of PostgreSQL JDBC URLs. */
public final class JdbcUrls {

    private static final Pattern PG = Pattern.compile("(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?");

    private JdbcUrls() {
    }

    /** The same server and parameters, another database. */
    public static String withDatabase(String url, String database) {
        Matcher m = PG.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url);
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }
}
