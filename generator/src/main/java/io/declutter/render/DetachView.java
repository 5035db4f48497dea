package io.declutter.render;

import java.util.List;

/**
 * A cycle-breaking foreign key (nullable columns): before a batch of parent rows is deleted, the closure
 * rows of the child table still pointing at them get the columns set to null; rollback inserts those
 * columns as null and puts the values back once every table is restored.
 *
 * @param childTable    qualified, quoted child table (the table whose columns are set to null)
 * @param childBackup   its backup table
 * @param childKey      quoted key columns of the child table
 * @param setNull       {@code col = NULL, ...}
 * @param refMatch      {@code c.fk = b.key ...}: child rows (alias c) pointing at parent backup rows (alias b)
 * @param restoreSet    {@code col = b.col, ...}
 * @param childIsNull   {@code t.col IS NULL AND ...}
 * @param backupHasRef  {@code (b.col IS NOT NULL OR ...)}: the backed-up row had a reference (a composite one may be half null)
 * @param selfReference parent and child are the same table (rows of the current batch need no detaching)
 */
public record DetachView(int edgeId, String constraint, String childDisplay, String childTable, String childBackup,
                         List<String> childKey, String setNull, String refMatch, String restoreSet,
                         String childIsNull, String backupHasRef, boolean selfReference) {

    public DetachView {
        childKey = List.copyOf(childKey);
    }

    /** {@code l.k = r.k AND ...} on the child table's key. */
    public String keyMatch(String left, String right) {
        return Sql.match(left, childKey, right, childKey);
    }
}
