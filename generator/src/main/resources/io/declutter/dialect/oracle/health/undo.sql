-- Undo pressure over the last ten minutes (docs/throttle.md#oracle): the longest query in seconds, against the undo
-- retention it needs. Parsed and documented, not a job-file limit yet. Not run on Oracle here.
SELECT 'undo' AS subject, MAX(maxquerylen) AS value
  FROM v$undostat
 WHERE end_time > SYSDATE - 10 / 1440
