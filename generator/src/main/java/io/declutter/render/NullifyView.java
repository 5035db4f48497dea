package io.declutter.render;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An ON DELETE SET NULL / SET DEFAULT edge as templates need it: the child rows referencing purged rows are
 * recorded (key and old values) before the database resets them, and rollback writes the old values back.
 *
 * @param key          quoted key columns of the child, with types
 * @param columns      quoted foreign-key columns of the child, with types
 * @param parentMatch  {@code p.<parent cols> = c.<child cols>}
 * @param setDefault   ON DELETE SET DEFAULT: the reset value is not NULL, so rollback restores whatever differs
 * @param logical      a logical reference with {@code onDelete: set null}: no database action resets the columns, so
 *                     each batch that deletes parents sets them to NULL itself, right after recording them
 *                     (docs/design.md#logical-references)
 */
public record NullifyView(int edgeId, String description, String constraint, String childDisplay, String childTable,
                          String backup, String backupName, String backupIndex, List<ColumnView> key,
                          List<ColumnView> columns, TableView parent, String parentMatch, boolean setDefault,
                          boolean logical) {

    public NullifyView {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
    }

    /** Key and foreign-key columns, each once, as stored in the record table. */
    public List<ColumnView> stored() {
        List<ColumnView> all = new java.util.ArrayList<>(key);
        columns.stream().filter(c -> key.stream().noneMatch(k -> k.name().equals(c.name()))).forEach(all::add);
        return all;
    }

    public String storedList(String alias) {
        return Sql.list(stored().stream().map(ColumnView::name).toList(), alias);
    }

    public String keyList(String alias) {
        return Sql.list(key.stream().map(ColumnView::name).toList(), alias);
    }

    public String keyMatch(String left, String right) {
        List<String> k = key.stream().map(ColumnView::name).toList();
        return Sql.match(left, k, right, k);
    }

    /** {@code col = NULL, ...}: the reset a logical reference's batch writes itself. */
    public String resetSet() {
        return columns.stream().map(c -> c.name() + " = NULL").collect(Collectors.joining(", "));
    }

    /** {@code col = b.col, ...} */
    public String restoreSet() {
        return columns.stream().map(c -> c.name() + " = b." + c.name()).collect(Collectors.joining(", "));
    }

    /** When rollback writes the old values back: reset to NULL (SET NULL), or differing (SET DEFAULT). */
    public String restoreWhen() {
        List<String> cols = columns.stream().map(ColumnView::name).toList();
        if (setDefault) {
            return "(" + Sql.list(cols, "t") + ") IS DISTINCT FROM (" + Sql.list(cols, "b") + ")";
        }
        return cols.stream().map(c -> "t." + c + " IS NULL").collect(Collectors.joining(" AND "));
    }
}
