-- Undo pressure over the last ten minutes (docs/throttle.md#oracle): the longest query and the undo blocks used;
-- not a job-file limit yet, read for the record. Not run on Oracle here.
SELECT 'undo' AS subject, MAX(maxquerylen) AS value
  FROM v$undostat
 WHERE end_time > SYSDATE - 10 / 1440
