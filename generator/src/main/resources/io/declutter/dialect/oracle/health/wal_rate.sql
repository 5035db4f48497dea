-- Redo generated per second over the last minute (docs/throttle.md#oracle). Not run on Oracle here.
SELECT 'redo' AS subject, value AS value
  FROM v$sysmetric
 WHERE metric_name = 'Redo Generated Per Sec'
   AND group_id = 2
