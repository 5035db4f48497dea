-- Client sessions running a statement now, besides this one (docs/throttle.md#signals).
SELECT 'active' AS subject, count(*) AS value
  FROM pg_stat_activity
 WHERE backend_type = 'client backend'
   AND state = 'active'
   AND pid <> pg_backend_pid()
