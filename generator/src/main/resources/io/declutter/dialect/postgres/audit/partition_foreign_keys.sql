-- Foreign keys into partitioned tables or into a single partition (docs/audit.md#findings): a key into one
-- partition blocks detaching or dropping that partition, and is invisible from the partitioned table; a key
-- into a partitioned table makes every partition a parent to purge through.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       k.conname AS constraint_name,
       array_to_string(ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
                              ORDER BY u.ord), ',') AS column_names,
       rn.nspname || '.' || r.relname AS referenced_table,
       CASE WHEN r.relkind = 'p' THEN 'partitioned table'
            ELSE 'partition of ' || (SELECT pn.nspname || '.' || p.relname
                                      FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                                      JOIN pg_namespace pn ON pn.oid = p.relnamespace
                                     WHERE i.inhrelid = r.oid)
       END AS referenced_kind
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class r ON r.oid = k.confrelid
  JOIN pg_namespace rn ON rn.oid = r.relnamespace
 WHERE k.contype = 'f'
   AND k.conparentid = 0
   AND (r.relkind = 'p' OR r.relispartition)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
 ORDER BY 1, 2, 3
