package io.declutter.render;

/**
 * A cycle-breaking foreign key (a nullable self-reference): before a batch of parent rows is deleted, the
 * closure rows still pointing at them get the columns set to null; rollback puts the values back.
 *
 * @param setNull      {@code col = NULL, ...}
 * @param refMatch     {@code c.fk = b.key ...}: child rows (alias c) pointing at backup rows (alias b)
 * @param restoreSet   {@code col = b.col, ...}
 * @param childIsNull  {@code t.col IS NULL AND ...}
 * @param backupHasRef {@code b.col IS NOT NULL AND ...}
 */
public record DetachView(int edgeId, String constraint, String setNull, String refMatch, String restoreSet,
                         String childIsNull, String backupHasRef) {
}
