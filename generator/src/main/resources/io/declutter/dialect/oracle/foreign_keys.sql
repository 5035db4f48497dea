-- Foreign keys, enabled or not, one row per column pair: the child columns of the constraint matched by position with
-- the columns of the primary or unique key it references. Oracle has ON DELETE CASCADE, SET NULL and (the default) NO
-- ACTION; DEFERRABLE and INITIALLY DEFERRED are reported. A DISABLED key is read too, as PostgreSQL's key with its
-- triggers disabled is: the purge follows it (its rows are purged with their parents rather than left referencing
-- nothing), and its orphans can be a root. enforcement: DISABLED for a disabled key (nothing is checked), NOT_VALID for
-- a key enabled NOVALIDATE (rows older than it may be orphans; docs/design.md#orphan-roots), else ENFORCED.
SELECT fk.constraint_name AS constraint_name,
       fk.owner AS child_schema,
       fk.table_name AS child_table,
       cc.column_name AS child_column,
       pk.owner AS parent_schema,
       pk.table_name AS parent_table,
       pc.column_name AS parent_column,
       cc.position AS position,
       CASE fk.delete_rule WHEN 'CASCADE' THEN 'CASCADE' WHEN 'SET NULL' THEN 'SET_NULL' ELSE 'NO_ACTION' END
           AS on_delete,
       CASE fk.deferrable WHEN 'DEFERRABLE' THEN 1 ELSE 0 END AS deferrable,
       CASE fk.deferred WHEN 'DEFERRED' THEN 1 ELSE 0 END AS initially_deferred,
       -- a foreign key references a table, never one of its partitions, on Oracle
       CAST(NULL AS VARCHAR2(128)) AS parent_partition_schema,
       CAST(NULL AS VARCHAR2(128)) AS parent_partition,
       CAST(NULL AS VARCHAR2(4000)) AS parent_condition,
       -- nor is it declared on one partition only
       CAST(NULL AS VARCHAR2(128)) AS child_partition_schema,
       CAST(NULL AS VARCHAR2(128)) AS child_partition,
       CAST(NULL AS VARCHAR2(4000)) AS child_condition,
       CAST(NULL AS NUMBER(1)) AS child_partition_indexed,
       -- ON DELETE SET NULL resets every column of the key (Oracle names no subset)
       1 AS reset_column,
       -- CHECK constraints on reset columns are not read on Oracle (no check before the first delete there)
       CAST(NULL AS VARCHAR2(4000)) AS reset_checks,
       CASE WHEN fk.status = 'DISABLED' THEN 'DISABLED'
            WHEN fk.validated = 'NOT VALIDATED' THEN 'NOT_VALID'
            ELSE 'ENFORCED' END AS enforcement
  FROM all_constraints fk
  JOIN all_constraints pk ON pk.owner = fk.r_owner AND pk.constraint_name = fk.r_constraint_name
  JOIN all_cons_columns cc
    ON cc.owner = fk.owner AND cc.constraint_name = fk.constraint_name AND cc.table_name = fk.table_name
  JOIN all_cons_columns pc
    ON pc.owner = pk.owner AND pc.constraint_name = pk.constraint_name AND pc.table_name = pk.table_name
   AND pc.position = cc.position
  JOIN all_users u ON u.username = fk.owner
 WHERE fk.constraint_type = 'R'
   AND u.oracle_maintained = 'N'
   AND fk.owner <> 'DECLUTTER'
 ORDER BY 2, 3, 1, 8
