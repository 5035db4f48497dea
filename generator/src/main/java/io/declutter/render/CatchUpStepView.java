package io.declutter.render;

/**
 * One catch-up statement run before a delete batch: back up the rows of {@code child} inserted since the
 * cache that reference the batch ({@code fromBatch}) or rows of a finished table caught up just before.
 * {@code selfLoop}: the self-reference of a children-first tree, repeated until no new late row appears.
 */
public record CatchUpStepView(int edgeId, String description, TableView child, TableView parent, String parentMatch,
                              boolean fromBatch, boolean selfLoop) {
}
