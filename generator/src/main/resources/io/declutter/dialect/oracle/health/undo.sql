-- Undo pressure (docs/throttle.md#oracle): the undo blocks in active extents (held by open transactions, the
-- purge's own included) in this instance's current V$UNDOSTAT row (the first by BEGIN_TIME: the partial current
-- ten-minute period), against throttle.maxUndoBlocks. The database samples it itself, so the signal is coarse.
-- Not run on Oracle here.
SELECT 'undo tablespace ' || NVL(t.name, TO_CHAR(u.undotsn)) AS subject, u.activeblks AS value
  FROM v$undostat u
  LEFT JOIN v$tablespace t ON t.ts# = u.undotsn
 ORDER BY u.begin_time DESC
 FETCH FIRST 1 ROW ONLY
