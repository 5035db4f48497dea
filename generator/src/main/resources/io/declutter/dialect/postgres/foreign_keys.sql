-- Declared foreign keys, one row per column pair. Constraints cloned onto partitions (conparentid <> 0)
-- are left out: the purge works on the partitioned parent.
SELECT con.conname AS constraint_name,
       cn.nspname AS child_schema,
       cc.relname AS child_table,
       ca.attname AS child_column,
       pn.nspname AS parent_schema,
       pc.relname AS parent_table,
       pa.attname AS parent_column,
       k.ord AS position,
       CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET_NULL' WHEN 'd' THEN 'SET_DEFAULT'
                            WHEN 'r' THEN 'RESTRICT' ELSE 'NO_ACTION' END AS on_delete,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred
  FROM pg_constraint con
  JOIN pg_class cc ON cc.oid = con.conrelid
  JOIN pg_namespace cn ON cn.oid = cc.relnamespace
  JOIN pg_class pc ON pc.oid = con.confrelid
  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
  CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(child_attnum, parent_attnum, ord)
  JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child_attnum
  JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_attnum
 WHERE con.contype = 'f'
   AND con.conparentid = 0
   AND NOT cc.relispartition
   AND cn.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
 ORDER BY 2, 3, 1, 8
