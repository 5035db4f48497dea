package io.declutter.render;

/**
 * An integer column that may own a sequence (identity or serial): after a rollback its sequence is moved past
 * the restored values if it is behind them.
 *
 * @param name     quoted column name
 * @param literal  the column name as a string literal, for {@code pg_get_serial_sequence}
 * @param table    the table as {@code pg_get_serial_sequence} reads it: its quoted name as a literal, or, for a name
 *                 with control characters (written {@code U&"..."}, which that function does not parse), a
 *                 {@code format('%I.%I', ...)} of its parts
 */
public record SequenceView(String name, String literal, String table) {
}
