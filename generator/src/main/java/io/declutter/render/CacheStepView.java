package io.declutter.render;

/**
 * One set-based cache statement: the rows of {@code child} referencing rows already in the parent's backup.
 *
 * @param description  the foreign key, for the comment above the statement
 * @param parentMatch  {@code p.<parent cols> = c.<child cols>}
 */
public record CacheStepView(int edgeId, String description, TableView child, TableView parent, String parentMatch) {
}
