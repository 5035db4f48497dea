package io.declutter.render;

/**
 * An integer column that may own a sequence (identity or serial): after a rollback its sequence is moved past
 * the restored values if it is behind them.
 *
 * @param name     quoted column name
 * @param literal  the column name as a string literal, for {@code pg_get_serial_sequence}
 */
public record SequenceView(String name, String literal) {
}
