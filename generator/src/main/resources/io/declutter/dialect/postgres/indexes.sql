-- Key columns of every index on plain columns, in index order (to find foreign keys without an index).
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       ic.relname AS index_name,
       a.attname AS column_name,
       k.ord AS position
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
 WHERE c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
   AND n.nspname NOT LIKE 'pg\_toast%'
 ORDER BY 1, 2, 3, 5
