package io.declutter.introspect;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which tables the body of a trigger function (PL/pgSQL or SQL) writes, read from its source text: the targets of
 * {@code INSERT INTO}, {@code UPDATE ... SET}, {@code DELETE FROM} and {@code MERGE INTO}. Comments and string
 * literals (quoted, {@code E''} and dollar-quoted) are taken out first, so a name in a message or a commented-out
 * statement is not read as a write. What the text cannot tell makes the result unknown, with the reason: dynamic SQL
 * ({@code EXECUTE}), and a {@code PERFORM} or {@code CALL} of another function (its own writes are not followed).
 * A function called inside an expression ({@code x := f()}, {@code SELECT f() INTO ...}) is not seen: see
 * docs/schema-features.md#triggers. Names are returned as written (unquoted ones folded to lower case, as PostgreSQL
 * does); the caller resolves unqualified ones with the function's search_path.
 */
public final class FunctionWrites {

    /** A target as written: {@code schema} empty when unqualified. */
    public record Target(Optional<String> schema, String name) {
    }

    /**
     * What a body writes.
     *
     * @param targets the tables written, in order of first appearance, each once
     * @param unknown why more may be written than {@code targets} says; empty when the text tells everything
     */
    public record Result(List<Target> targets, Optional<String> unknown) {
        public Result {
            targets = List.copyOf(targets);
        }
    }

    /** Functions a PERFORM may call without writing any table (notifications, settings, sequences). */
    private static final Set<String> HARMLESS_CALLS = Set.of("set_config", "nextval", "setval", "currval",
            "raise_notice");

    private FunctionWrites() {
    }

    /** Reads a body in {@code language} ({@code plpgsql} or {@code sql}; any other language is unknown). */
    public static Result read(String language, String body) {
        String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
        if (!lang.equals("plpgsql") && !lang.equals("sql")) {
            return new Result(List.of(), Optional.of("its function is written in " + (lang.isEmpty() ? "an unknown"
                    + " language" : lang) + ", whose body declutter does not read"));
        }
        if (body == null) {
            return new Result(List.of(), Optional.of("its function's body was not read"));
        }
        return scan(tokens(strip(body)));
    }

    /** The body with comments and string literals replaced by a space; quoted identifiers kept. */
    static String strip(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
                out.append(' ');
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int depth = 0; // PostgreSQL block comments nest
                while (i < n) {
                    if (s.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (s.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        i++;
                    }
                }
                out.append(' ');
            } else if (c == '\'') {
                boolean escapes = i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(s.charAt(i - 2)) && s.charAt(i - 2) != '_');
                i++;
                while (i < n) {
                    char d = s.charAt(i);
                    if (escapes && d == '\\') {
                        i += 2;
                    } else if (d == '\'' && i + 1 < n && s.charAt(i + 1) == '\'') {
                        i += 2;
                    } else if (d == '\'') {
                        i++;
                        break;
                    } else {
                        i++;
                    }
                }
                out.append(' ');
            } else if (c == '"') {
                int end = s.indexOf('"', i + 1);
                while (end >= 0 && end + 1 < n && s.charAt(end + 1) == '"') {
                    end = s.indexOf('"', end + 2);
                }
                end = end < 0 ? n : end + 1;
                out.append(s, i, end);
                i = end;
            } else if (c == '$' && dollarTag(s, i) != null
                    && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)) && s.charAt(i - 1) != '_')) {
                String tag = dollarTag(s, i);
                int end = s.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** {@code $$} or {@code $tag$} starting at {@code i}, or null ({@code $1} is a parameter, not a tag). */
    private static String dollarTag(String s, int i) {
        int j = i + 1;
        while (j < s.length() && (Character.isLetter(s.charAt(j)) || s.charAt(j) == '_'
                || j > i + 1 && Character.isDigit(s.charAt(j)))) {
            j++;
        }
        return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
    }

    /** Words (unquoted ones folded to lower case, quoted ones as {@code "Name"}), and every other character alone. */
    static List<String> tokens(String s) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_'
                        || s.charAt(j) == '$')) {
                    j++;
                }
                tokens.add(s.substring(i, j).toLowerCase(Locale.ROOT));
                i = j;
            } else if (c == '"') {
                int j = i + 1;
                StringBuilder name = new StringBuilder("\"");
                while (j < s.length()) {
                    if (s.charAt(j) == '"' && j + 1 < s.length() && s.charAt(j + 1) == '"') {
                        name.append('"');
                        j += 2;
                    } else if (s.charAt(j) == '"') {
                        j++;
                        break;
                    } else {
                        name.append(s.charAt(j++));
                    }
                }
                tokens.add(name.append('"').toString());
                i = j;
            } else {
                tokens.add(String.valueOf(c));
                i++;
            }
        }
        return tokens;
    }

    private static Result scan(List<String> t) {
        Set<Target> targets = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            String w = t.get(i);
            String prev = i > 0 ? t.get(i - 1) : ";";
            switch (w) {
                case "insert", "merge" -> {
                    if (at(t, i + 1, "into")) {
                        name(t, skipOnly(t, i + 2)).ifPresent(targets::add);
                    }
                }
                case "delete" -> {
                    if (at(t, i + 1, "from")) {
                        name(t, skipOnly(t, i + 2)).ifPresent(targets::add);
                    }
                }
                case "update" -> {
                    // UPDATE [ONLY] name [*] [[AS] alias] SET: not FOR UPDATE, ON UPDATE, DO UPDATE SET, THEN UPDATE SET
                    if (prev.equals("for") || prev.equals("key") || prev.equals("do") || prev.equals("then")
                            || prev.equals("on") || prev.equals("or")) {
                        break;
                    }
                    int at = skipOnly(t, i + 1);
                    Optional<Target> target = name(t, at);
                    if (target.isEmpty()) {
                        break;
                    }
                    int after = afterName(t, at);
                    if (at(t, after, "*")) {
                        after++;
                    }
                    if (at(t, after, "as")) {
                        after += 2;
                    } else if (after < t.size() && !t.get(after).equals("set") && isWord(t.get(after))) {
                        after++;
                    }
                    if (at(t, after, "set")) {
                        targets.add(target.get());
                    }
                }
                case "execute" -> {
                    if (!at(t, i + 1, "function") && !at(t, i + 1, "procedure")) {
                        add(unknown, "it runs dynamic SQL (EXECUTE)");
                    }
                }
                case "perform", "call" -> {
                    // PERFORM name(...) / CALL name(...): the callee's writes are not followed
                    int at = i + 1;
                    Optional<Target> callee = name(t, at);
                    int after = callee.isPresent() ? afterName(t, at) : at;
                    if (callee.isPresent() && at(t, after, "(")) {
                        String fn = callee.get().name();
                        boolean harmless = callee.get().schema().map(s -> s.equals("pg_catalog")).orElse(false)
                                || fn.startsWith("pg_") || HARMLESS_CALLS.contains(fn);
                        if (!harmless) {
                            add(unknown, "it calls " + callee.get().schema().map(s -> s + ".").orElse("") + fn
                                    + "(), whose writes are not followed");
                        }
                    } else if (w.equals("call")) {
                        add(unknown, "it calls a procedure, whose writes are not followed");
                    }
                }
                default -> {
                }
            }
        }
        return new Result(List.copyOf(targets), unknown.isEmpty() ? Optional.empty()
                : Optional.of(String.join("; ", unknown)));
    }

    private static void add(List<String> reasons, String reason) {
        if (!reasons.contains(reason)) {
            reasons.add(reason);
        }
    }

    private static boolean at(List<String> t, int i, String word) {
        return i < t.size() && t.get(i).equals(word);
    }

    private static int skipOnly(List<String> t, int i) {
        return at(t, i, "only") && i + 1 < t.size() && isWord(t.get(i + 1)) ? i + 1 : i;
    }

    private static boolean isWord(String token) {
        char c = token.charAt(0);
        return Character.isLetter(c) || c == '_' || c == '"';
    }

    /** A (possibly schema-qualified) name starting at {@code i}. */
    private static Optional<Target> name(List<String> t, int i) {
        if (i >= t.size() || !isWord(t.get(i))) {
            return Optional.empty();
        }
        String first = unquote(t.get(i));
        if (at(t, i + 1, ".") && i + 2 < t.size() && isWord(t.get(i + 2))) {
            return Optional.of(new Target(Optional.of(first), unquote(t.get(i + 2))));
        }
        return Optional.of(new Target(Optional.empty(), first));
    }

    private static int afterName(List<String> t, int i) {
        return at(t, i + 1, ".") && i + 2 < t.size() && isWord(t.get(i + 2)) ? i + 3 : i + 1;
    }

    private static String unquote(String token) {
        return token.startsWith("\"") ? token.substring(1, token.length() - 1) : token;
    }
}
