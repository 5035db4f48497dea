-- The oldest open transaction of any other client session on the server, idle in transaction included, in
-- milliseconds: it holds back the xmin horizon, so nothing the purge deletes can be vacuumed while it lasts
-- (docs/throttle.md#signals). Sessions whose start is hidden from this user are not seen.
SELECT 'session ' || pid || ' (' || COALESCE(state, '?') || COALESCE(', user ' || usename, '')
           || COALESCE(', database ' || datname, '') || ')' AS subject,
       EXTRACT(EPOCH FROM clock_timestamp() - xact_start) * 1000 AS value
  FROM pg_stat_activity
 WHERE backend_type = 'client backend'
   AND pid <> pg_backend_pid()
   AND xact_start IS NOT NULL
 ORDER BY xact_start, pid
 LIMIT 1
