-- Vacuums working on one of the purged tables (the parameter: the tables as schema.table), one row each
-- (docs/throttle.md#signals): autovacuum workers and a VACUUM any other session runs, as both fight the purge for
-- the same pages; never this session's own. The subject says who vacuums which table, and in what phase.
SELECT CASE WHEN a.backend_type = 'autovacuum worker' THEN 'autovacuum' ELSE 'VACUUM of session ' || p.pid END
           || ' on ' || n.nspname || '.' || c.relname || ' (' || p.phase || ')' AS subject,
       1 AS value
  FROM pg_stat_progress_vacuum AS p
  LEFT JOIN pg_stat_activity AS a ON a.pid = p.pid
  JOIN pg_class AS c ON c.oid = p.relid
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE p.pid <> pg_backend_pid()
   AND n.nspname || '.' || c.relname = ANY (?::text[])
 ORDER BY subject
 LIMIT 1
