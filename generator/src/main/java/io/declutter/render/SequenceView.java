package io.declutter.render;

/**
 * An integer column that may be fed by a sequence (identity, serial, a nextval default): after a rollback the
 * sequence is moved forward past the restored values it could still hand out (framework/sequence.sql).
 *
 * @param name     quoted column name
 * @param literal  the column name as a string literal, as {@code column_sequences} takes it
 * @param table    the table as a text cast to regclass: its quoted name as a literal, or, for a name with control
 *                 characters (written {@code U&"..."}, which the regclass input does not parse), a
 *                 {@code format('%I.%I', ...)} of its parts
 */
public record SequenceView(String name, String literal, String table) {
}
