package io.declutter.render;

/**
 * A column as templates need it.
 *
 * @param name      quoted as needed
 * @param writable  rollback may write it (false for generated columns)
 */
public record ColumnView(String name, String type, boolean writable) {
}
