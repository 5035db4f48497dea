-- Dead tuples, their share of the table's live and dead tuples, and the table's size with its indexes and TOAST
-- (parameters: schema, table), for the job's start thresholds (docs/throttle.md#start-thresholds). The tuple counts
-- are the statistics system's; a table it has not counted yet reads as 0.
SELECT COALESCE(s.n_dead_tup, 0) AS dead_tuples,
       COALESCE(s.n_dead_tup::float8 / NULLIF(s.n_live_tup + s.n_dead_tup, 0), 0) AS dead_ratio,
       pg_total_relation_size(c.oid) AS size_bytes
  FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_all_tables AS s ON s.relid = c.oid
 WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'm')
