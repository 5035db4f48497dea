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
 * @param repoint      an edge of a duplicate job with {@code children: repoint}: each batch re-points the recorded
 *                     rows referencing its duplicates to the kept rows instead (docs/design.md#re-pointing)
 * @param repointMap   for {@code repoint}: the query mapping each duplicate's referenced values to the kept row's,
 *                     {@link RootFilter#RANGE} standing for the condition on the root backup rows (alias p); else ""
 * @param uniqueChecks for {@code repoint}: the unique keys of the child that re-pointing could make collide
 */
public record NullifyView(int edgeId, String description, String constraint, String childDisplay, String childTable,
                          String backup, String backupName, String backupIndex, List<ColumnView> key,
                          List<ColumnView> columns, TableView parent, String parentMatch, boolean setDefault,
                          boolean logical, boolean repoint, String repointMap, List<UniqueCheck> uniqueChecks) {

    /**
     * A unique key of the child holding re-pointed columns: {@code count(into)} counts the rows that re-pointing every
     * duplicate of the run would leave sharing a key value with another row (docs/design.md#re-pointing).
     *
     * @param name    the key's constraint name
     * @param columns its columns, for the message
     */
    public record UniqueCheck(String name, String columns, String with, String from) {
        /** {@code WITH ... SELECT COUNT(*) INTO <into> FROM ...}: the count, into a variable. */
        public String count(String into) {
            return with + " SELECT COUNT(*) INTO " + into + " " + from;
        }
    }

    public NullifyView {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
        uniqueChecks = List.copyOf(uniqueChecks);
    }

    /** Whether a batch writes the child columns itself: a logical SET NULL reference, or a re-pointed edge. */
    public boolean writes() {
        return logical || repoint;
    }

    /** The query mapping duplicates to kept rows for the root backup rows {@code range} selects (alias p). */
    public String mapFor(String range) {
        return repointMap.replace(RootFilter.RANGE, range);
    }

    /** {@code col = m.declutter_kept1, ...}: the re-point of a child row, {@code m} a row of the map. */
    public String repointSet(String alias) {
        List<String> set = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            set.add(columns.get(i).name() + " = " + alias + ".declutter_kept" + (i + 1));
        }
        return String.join(", ", set);
    }

    /** {@code c.col = m.declutter_dup1 AND ...}: a child row {@code c} referencing the duplicate of map row {@code m}. */
    public String repointMatch(String child, String map) {
        List<String> match = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            match.add(child + "." + columns.get(i).name() + " = " + map + ".declutter_dup" + (i + 1));
        }
        return String.join(" AND ", match);
    }

    /** The child columns as a list, and the map's kept values, for Oracle's {@code SET (cols) = (SELECT ...)}. */
    public String keptList(String alias) {
        List<String> kept = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            kept.add(alias + ".declutter_kept" + (i + 1));
        }
        return String.join(", ", kept);
    }

    /** The child's reference columns of the record {@code alias}, in order. */
    public String storedColumns(String alias) {
        return Sql.list(columns.stream().map(ColumnView::name).toList(), alias);
    }

    public String columnList() {
        return Sql.list(columns.stream().map(ColumnView::name).toList(), "");
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

    /**
     * Whether the child's key holds a re-pointed column: its re-pointed rows then no longer have the key recorded, and
     * rollback finds each through the kept row its duplicate maps to (docs/design.md#re-pointing).
     */
    public boolean keyMoves() {
        return repoint && key.stream().anyMatch(k -> columns.stream().anyMatch(c -> c.name().equals(k.name())));
    }

    /**
     * For rollback when {@link #keyMoves()}: the current row {@code t} of the record {@code b}, through the map row
     * {@code m} of its duplicate: the key's re-pointed columns hold the kept values, the others the recorded ones.
     */
    public String movedKeyMatch(String t, String b, String m) {
        List<String> terms = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            terms.add(b + "." + columns.get(i).name() + " = " + m + ".declutter_dup" + (i + 1));
        }
        for (ColumnView k : key) {
            int f = columns.stream().map(ColumnView::name).toList().indexOf(k.name());
            terms.add(t + "." + k.name() + " = " + (f >= 0 ? m + ".declutter_kept" + (f + 1) : b + "." + k.name()));
        }
        return String.join(" AND ", terms);
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

    /**
     * When rollback writes the old values back: reset to NULL (SET NULL), or differing (SET DEFAULT; re-pointed, where
     * a column the application set to NULL since is left so).
     */
    public String restoreWhen() {
        List<String> cols = columns.stream().map(ColumnView::name).toList();
        if (repoint) {
            return "(" + cols.stream().map(c -> "t." + c + " <> b." + c).collect(Collectors.joining(" OR ")) + ")";
        }
        if (setDefault) {
            return "(" + Sql.list(cols, "t") + ") IS DISTINCT FROM (" + Sql.list(cols, "b") + ")";
        }
        return cols.stream().map(c -> "t." + c + " IS NULL").collect(Collectors.joining(" AND "));
    }
}
