package io.declutter.render;

import java.util.List;
import java.util.stream.Collectors;

/** Small text helpers for SQL that are the same in every dialect. */
final class Sql {

    private Sql() {
    }

    /**
     * A string literal: single quotes doubled. Text with control characters (a name holding a line break) is written
     * {@code U&'...'} with them escaped, so that no line-ending conversion (Liquibase removes every CR) changes it.
     */
    static String literal(String value) {
        if (UnicodeEscapes.hasControlCharacter(value)) {
            return "U&'" + UnicodeEscapes.unicodeEscaped(value.replace("'", "''")) + "'";
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** {@code l.a = r.x AND l.b = r.y} for quoted column lists paired one to one. */
    static String match(String left, List<String> leftColumns, String right, List<String> rightColumns) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < leftColumns.size(); i++) {
            if (i > 0) {
                sb.append(" AND ");
            }
            sb.append(left).append('.').append(leftColumns.get(i)).append(" = ")
                    .append(right).append('.').append(rightColumns.get(i));
        }
        return sb.toString();
    }

    static String list(List<String> columns, String alias) {
        return columns.stream().map(c -> alias.isEmpty() ? c : alias + "." + c).collect(Collectors.joining(", "));
    }
}
