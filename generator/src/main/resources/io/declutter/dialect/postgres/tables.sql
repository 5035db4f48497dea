-- Ordinary and partitioned tables of user schemas (partitions are reached through their parent).
-- Row estimates come from planner statistics; a partitioned parent sums its partitions.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       (c.relkind = 'p') AS partitioned,
       GREATEST(0, CASE WHEN c.relkind = 'p'
                        THEN (SELECT COALESCE(sum(GREATEST(p.reltuples, 0)), 0)
                                FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                               WHERE i.inhparent = c.oid)
                        ELSE c.reltuples END)::bigint AS row_estimate
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp%'
 ORDER BY 1, 2
