-- Foreign keys whose referencing columns lead no index of the referencing table: every delete of a parent row
-- scans the child table (docs/audit.md#findings). A partial index does not count; one foreign key per
-- partitioned table (the constraints PostgreSQL copies onto each partition are left out).
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       k.conname AS constraint_name,
       array_to_string(ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
                              ORDER BY u.ord), ',') AS column_names,
       rn.nspname || '.' || r.relname AS referenced_table,
       CASE WHEN r.relkind = 'p' THEN 'partitioned table'
            WHEN r.relispartition THEN 'partition' ELSE 'table' END AS referenced_kind
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class r ON r.oid = k.confrelid
  JOIN pg_namespace rn ON rn.oid = r.relnamespace
 WHERE k.contype = 'f'
   AND k.conparentid = 0
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
   AND NOT EXISTS (
        SELECT 1
          FROM pg_index i
         WHERE i.indrelid = k.conrelid
           AND i.indpred IS NULL
           AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] @> k.conkey)
 ORDER BY 1, 2, 3
