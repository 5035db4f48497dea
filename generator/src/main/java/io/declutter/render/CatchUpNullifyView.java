package io.declutter.render;

/** A catch-up step for a SET NULL edge: record rows inserted since the cache before the database resets them. */
public record CatchUpNullifyView(NullifyView edge, TableView parent, boolean fromBatch) {
}
