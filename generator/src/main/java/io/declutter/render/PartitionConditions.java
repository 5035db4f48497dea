package io.declutter.render;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * A partition constraint as the catalog prints it names the table's columns unqualified ({@code found >= 5}). Inside a
 * PL/pgSQL body such a name can be taken for one of the function's variables ({@code FOUND}, a parameter), and the
 * purge would fail half-way (found by the randomized suite). This qualifies every column reference with the alias of
 * the row it is evaluated over, leaving string literals, type names after {@code ::}, function names and anything
 * already qualified as they are (docs/design.md#partitions).
 */
final class PartitionConditions {

    private PartitionConditions() {
    }

    /**
     * @param condition the condition, as the catalog prints it
     * @param alias     the row's alias, e.g. {@code partition_row}
     * @param columns   the column names of the table, as the catalog spells them
     */
    static String qualified(String condition, String alias, Collection<String> columns) {
        Set<String> names = Set.copyOf(columns);
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = condition.length();
        while (i < n) {
            char ch = condition.charAt(i);
            if (ch == '\'') {
                int end = endOfQuoted(condition, i, '\'');
                out.append(condition, i, end);
                i = end;
            } else if (ch == '"') {
                int end = endOfQuoted(condition, i, '"');
                String name = condition.substring(i + 1, end - 1).replace("\"\"", "\"");
                appendIdentifier(out, condition, i, end, names.contains(name), alias);
                i = end;
            } else if (Character.isLetter(ch) || ch == '_') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(condition.charAt(end)) || condition.charAt(end) == '_'
                        || condition.charAt(end) == '$')) {
                    end++;
                }
                String name = condition.substring(i, end).toLowerCase(Locale.ROOT);
                appendIdentifier(out, condition, i, end, names.contains(name), alias);
                i = end;
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    private static void appendIdentifier(StringBuilder out, String text, int start, int end, boolean column,
                                         String alias) {
        String before = text.substring(0, start).stripTrailing();
        int next = end;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        boolean qualifiedOrType = before.endsWith(".") || before.endsWith("::");
        boolean followedBy = next < text.length() && (text.charAt(next) == '(' || text.charAt(next) == '.');
        if (column && !qualifiedOrType && !followedBy) {
            out.append(alias).append('.');
        }
        out.append(text, start, end);
    }

    /** The index just past the quoted token starting at {@code start} (a doubled quote stays inside it). */
    private static int endOfQuoted(String text, int start, char quote) {
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }
}
