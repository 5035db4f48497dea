package io.declutter.runner.random;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Identifiers for random schemas: plain ones and every kind a DBA meets in the wild (mixed case, spaces, quotes,
 * reserved words, unicode, names at the 63-byte limit, and characters that mean something to SQL, to PL/pgSQL,
 * to comments or to JDBC: dots, {@code $tag$}, {@code ;}, {@code --}, {@code ?}, {@code %}, backslashes, line
 * breaks). Every name is unique in its scope, at most 63 bytes (so PostgreSQL never truncates it) and is always
 * written with {@link #quote}.
 */
final class Names {

    /** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
    static final int MAX_BYTES = 63;

    private static final List<String> WORDS = List.of("items", "orders", "lines", "notes", "events", "accounts",
            "files", "tags", "links", "votes", "tasks", "steps", "parts", "logs", "users", "teams");
    private static final List<String> RESERVED = List.of("order", "user", "select", "group", "table", "from",
            "check", "limit", "where", "column", "default", "primary", "desc", "end", "offset", "window", "all",
            "references", "constraint", "authorization");
    private static final List<String> UNICODE = List.of("données", "表格", "Ünïcödé", "émoji 🚀", "straße", "Ωmega",
            "café", "cafe\u0301", "наименование", "اسم", "日本語テーブル", "ñandú");
    /** Characters with a meaning somewhere between the generator and the database. */
    private static final List<String> EVIL = List.of("a.b", "x$proc$y", "$fn$", "$do$body", "semi;colon",
            "dash--dash", "c/*omment*/", "100%", "%s %I %L", "back\\slash", "new\nline", "car\rriage", "tab\tname",
            "qmark?", "dollar$$", "cr\r\nlf", "'single'", "\"", "\"\"dq\"\"", " leading", "trailing ", "$1", ":name",
            "{brace}", "E'x'", "U&\"x\"", "a\"; DROP TABLE x; --", "${job.name}", "<#if>", "@at");

    /**
     * Names of the generated PL/pgSQL's variables and parameters (and FOUND): a column so named, written unqualified
     * in a generated statement, would silently become the variable. Random schemas use them as column and table names.
     */
    private static final List<String> PLPGSQL = List.of("found", "p_batch_size", "p_cache_only", "p_deadline",
            "p_max_rows", "p_phase", "p_remaining", "p_rows", "p_run", "v_action", "v_edge", "v_mark", "v_message",
            "v_phase", "v_remaining", "v_retries", "v_round", "v_rows", "v_started", "v_status", "v_table", "v_upper",
            "v_wm");

    private final Random rnd;
    private final Set<String> used = new HashSet<>();
    private int counter;

    Names(Random rnd) {
        this.rnd = rnd;
    }

    /** Every style a name can take; {@link #styleOf} says which one a name came from (for the feature summary). */
    enum Style { PLAIN, MIXED_CASE, SPACE, RESERVED, QUOTE, UNICODE, LONG, EVIL }

    private Style lastStyle = Style.PLAIN;

    Style lastStyle() {
        return lastStyle;
    }

    /** A new name unique among the names this instance gave, in a random style. */
    String next(String hint) {
        for (int attempt = 0; ; attempt++) {
            Style style = attempt > 20 ? Style.PLAIN : pickStyle();
            String name = make(style, hint);
            if (bytes(name) <= MAX_BYTES && !name.isEmpty() && used.add(name)) {
                lastStyle = style;
                return name;
            }
        }
    }

    /** A name in a given style (unique). */
    String next(Style style, String hint) {
        for (int attempt = 0; attempt < 50; attempt++) {
            String name = make(style, hint);
            if (bytes(name) <= MAX_BYTES && !name.isEmpty() && used.add(name)) {
                lastStyle = style;
                return name;
            }
        }
        return next(hint);
    }

    /**
     * The name of a relation the product derives from another one, as an unlucky DBA might have named a table: the
     * same name plus {@code _seq} (the suffix of backup indexes), or for columns one of the backup's bookkeeping
     * columns. Null when taken.
     */
    String sibling(String of, boolean column) {
        String name = column ? List.of("declutter_run", "declutter_seq", "declutter_depth").get(rnd.nextInt(3))
                : of + "_seq";
        return bytes(name) <= MAX_BYTES && used.add(name) ? name : null;
    }

    /** Reserves a name chosen elsewhere; false when taken. */
    boolean reserve(String name) {
        return used.add(name);
    }

    private Style pickStyle() {
        int r = rnd.nextInt(100);
        if (r < 34) {
            return Style.PLAIN;
        } else if (r < 44) {
            return Style.MIXED_CASE;
        } else if (r < 52) {
            return Style.SPACE;
        } else if (r < 62) {
            return Style.RESERVED;
        } else if (r < 68) {
            return Style.QUOTE;
        } else if (r < 78) {
            return Style.UNICODE;
        } else if (r < 88) {
            return Style.LONG;
        }
        return Style.EVIL;
    }

    private String make(Style style, String hint) {
        counter++;
        String word = WORDS.get(rnd.nextInt(WORDS.size()));
        return switch (style) {
            case PLAIN -> hint + "_" + word + (rnd.nextBoolean() ? "" : "_" + counter);
            case MIXED_CASE -> switch (rnd.nextInt(3)) {
                case 0 -> Character.toUpperCase(word.charAt(0)) + word.substring(1);
                case 1 -> word.toUpperCase();
                default -> "My" + Character.toUpperCase(hint.charAt(0)) + hint.substring(1) + counter;
            };
            case SPACE -> hint + " " + word + (rnd.nextBoolean() ? "" : " " + counter);
            case RESERVED -> RESERVED.get(rnd.nextInt(RESERVED.size()))
                    + (rnd.nextInt(3) == 0 ? "" : rnd.nextBoolean() ? "" : "_" + counter);
            case QUOTE -> switch (rnd.nextInt(3)) {
                case 0 -> "it's " + word;
                case 1 -> "\"" + word + "\"";
                default -> word + " \"" + counter + "\" o'k";
            };
            case UNICODE -> UNICODE.get(rnd.nextInt(UNICODE.size())) + (rnd.nextBoolean() ? "" : "_" + counter);
            case LONG -> longName(hint);
            case EVIL -> rnd.nextInt(3) == 0 ? PLPGSQL.get(rnd.nextInt(PLPGSQL.size()))
                    : EVIL.get(rnd.nextInt(EVIL.size())) + (rnd.nextInt(3) == 0 ? "" : "_" + counter);
        };
    }

    /**
     * A name of 55 to 63 bytes; names of one case share a long prefix (so that truncating them would make them
     * clash), and some end with a multi-byte character right at the limit.
     */
    private String longName(String hint) {
        StringBuilder sb = new StringBuilder("very_long_identifier_shared_by_several_tables_of_" + hint);
        int target = 55 + rnd.nextInt(9);
        String tail = "_" + counter;
        boolean multiByte = rnd.nextBoolean();
        while (bytes(sb + tail) < target - (multiByte ? 2 : 0)) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        sb.append(tail);
        if (multiByte) {
            sb.append(rnd.nextBoolean() ? "é" : "€");
        }
        String s = sb.toString();
        while (bytes(s) > MAX_BYTES) {
            s = s.substring(1);
        }
        return s;
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Always quoted, with embedded double quotes doubled. */
    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A string literal (standard_conforming_strings: only single quotes need doubling). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
