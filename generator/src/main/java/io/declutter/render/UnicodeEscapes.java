package io.declutter.render;

/**
 * Text holding control characters, written with them escaped ({@code U&"..."} names and {@code U&'...'} literals):
 * a CR or LF written as such would not survive Liquibase (it removes every CR from the SQL it runs) or a line-ending
 * conversion of the generated files.
 */
public final class UnicodeEscapes {

    private UnicodeEscapes() {
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
}
