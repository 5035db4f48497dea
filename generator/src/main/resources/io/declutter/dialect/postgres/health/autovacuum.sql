-- Autovacuum workers on one of the purged tables (the parameter: the tables as schema.table), one row each
-- (docs/throttle.md#signals).
SELECT n.nspname || '.' || c.relname || ' (' || p.phase || ')' AS subject, 1 AS value
  FROM pg_stat_progress_vacuum AS p
  JOIN pg_stat_activity AS a ON a.pid = p.pid
  JOIN pg_class AS c ON c.oid = p.relid
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE a.backend_type = 'autovacuum worker'
   AND n.nspname || '.' || c.relname = ANY (?::text[])
 ORDER BY subject
 LIMIT 1
