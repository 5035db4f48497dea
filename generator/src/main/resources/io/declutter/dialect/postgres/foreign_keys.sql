-- Declared foreign keys, one row per column pair. Constraints cloned onto partitions (conparentid <> 0)
-- are left out: the purge works on the partitioned parent. A foreign key that references a partition (a
-- table with relispartition, at any level) is reported against the root of its partition tree, the table the
-- purge works on, with the partition and its partition constraint: only the root's rows satisfying that
-- constraint are referenced. Likewise a foreign key declared on a partition only (not cloned from its parent)
-- is reported against the root of the child's partition tree, with the partition that declares it and its
-- partition constraint: only the root's rows satisfying it reference the parent (docs/design.md#partitions).
-- reset_column: whether ON DELETE SET NULL / SET DEFAULT resets the column (PostgreSQL 15 can name a subset,
-- confdelsetcols; read through to_jsonb so that the query runs on versions without that column too). reset_checks is
-- repeated on every row of a constraint. enforcement: NOT_VALID for a constraint added NOT VALID and not validated
-- since, DISABLED when its triggers are disabled (ALTER TABLE ... DISABLE TRIGGER ALL): both may have orphans
-- (docs/design.md#orphan-roots).
SELECT con.conname AS constraint_name,
       crn.nspname AS child_schema,
       crc.relname AS child_table,
       ca.attname AS child_column,
       rn.nspname AS parent_schema,
       rc.relname AS parent_table,
       pa.attname AS parent_column,
       k.ord AS position,
       CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET_NULL' WHEN 'd' THEN 'SET_DEFAULT'
                            WHEN 'r' THEN 'RESTRICT' ELSE 'NO_ACTION' END AS on_delete,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
       CASE WHEN pc.relispartition THEN pn.nspname END AS parent_partition_schema,
       CASE WHEN pc.relispartition THEN pc.relname END AS parent_partition,
       CASE WHEN pc.relispartition THEN pg_get_partition_constraintdef(pc.oid) END AS parent_condition,
       CASE WHEN cc.relispartition THEN cn.nspname END AS child_partition_schema,
       CASE WHEN cc.relispartition THEN cc.relname END AS child_partition,
       CASE WHEN cc.relispartition THEN pg_get_partition_constraintdef(cc.oid) END AS child_condition,
       -- whether the declaring partition has an index leading with the key's columns (its own, or its share of an
       -- index on the partitioned table): the indexes read for the model are the partitioned tables' only
       CASE WHEN cc.relispartition THEN
           EXISTS (SELECT 1 FROM pg_index i
                    WHERE i.indrelid = con.conrelid AND i.indpred IS NULL
                      AND i.indnkeyatts >= cardinality(con.conkey)
                      AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey)
       END AS child_partition_indexed,
       CASE WHEN jsonb_typeof(to_jsonb(con) -> 'confdelsetcols') = 'array'
                 AND jsonb_array_length(to_jsonb(con) -> 'confdelsetcols') > 0
            THEN to_jsonb(con) -> 'confdelsetcols' @> to_jsonb(k.child_attnum)
            ELSE true END AS reset_column,
       CASE WHEN EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgconstraint = con.oid AND t.tgenabled = 'D') THEN 'DISABLED'
            WHEN NOT con.convalidated THEN 'NOT_VALID'
            ELSE 'ENFORCED' END AS enforcement,
       -- the validated CHECK constraints of the declaring table that name a column of the key, which the database
       -- evaluates on every row SET NULL / SET DEFAULT resets (a JSON array; NULL for the other actions or none)
       CASE WHEN con.confdeltype IN ('n', 'd') THEN
           (SELECT json_agg(json_build_object('name', ck.conname,
                                              'expression', pg_get_expr(ck.conbin, ck.conrelid)) ORDER BY ck.conname)
              FROM pg_constraint ck
             WHERE ck.conrelid = con.conrelid AND ck.contype = 'c' AND ck.convalidated
               AND ck.conkey && con.conkey)::text
       END AS reset_checks
  FROM pg_constraint con
  JOIN pg_class cc ON cc.oid = con.conrelid
  JOIN pg_namespace cn ON cn.oid = cc.relnamespace
  JOIN pg_class pc ON pc.oid = con.confrelid
  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
  -- the root of the referenced table's partition tree (the table itself when it is no partition)
  JOIN pg_class rc ON rc.oid = CASE WHEN NOT pc.relispartition THEN pc.oid
                                    ELSE (SELECT a.relid
                                            FROM pg_partition_ancestors(pc.oid) AS a(relid)
                                            JOIN pg_class ac ON ac.oid = a.relid
                                           WHERE NOT ac.relispartition) END
  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  -- the same for the child: the root of the partition tree of the table declaring the constraint
  JOIN pg_class crc ON crc.oid = CASE WHEN NOT cc.relispartition THEN cc.oid
                                      ELSE (SELECT a.relid
                                              FROM pg_partition_ancestors(cc.oid) AS a(relid)
                                              JOIN pg_class ac ON ac.oid = a.relid
                                             WHERE NOT ac.relispartition) END
  JOIN pg_namespace crn ON crn.oid = crc.relnamespace
  CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(child_attnum, parent_attnum, ord)
  JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child_attnum
  JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_attnum
 WHERE con.contype = 'f'
   AND con.conparentid = 0
   AND crn.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
 ORDER BY 2, 3, 1, child_partition_schema NULLS FIRST, child_partition NULLS FIRST, 8
