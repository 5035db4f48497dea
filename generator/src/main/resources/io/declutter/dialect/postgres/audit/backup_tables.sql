-- declutter's own backup tables (docs/audit.md#backup-tables): the tables of the declutter schema with a
-- declutter_run column; the job and the purged table are read from the comment the deployment puts on each
-- ("declutter backup of <table> for job <job>").
SELECT c.relname AS table_name,
       substring(obj_description(c.oid, 'pg_class') FROM 'for job (.*)$') AS job,
       substring(obj_description(c.oid, 'pg_class') FROM '^declutter backup of (.*) for job ') AS purged_table,
       pg_total_relation_size(c.oid) AS total_bytes,
       greatest(c.reltuples, -1)::bigint AS row_estimate
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'declutter'
   AND c.relkind = 'r'
   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'declutter_run'
                                              AND NOT a.attisdropped)
 ORDER BY 1
