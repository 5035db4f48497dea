-- Foreign keys into partitioned tables (docs/audit.md#findings). An Oracle foreign key references a table, never
-- one partition: what PostgreSQL reports as a key into a partition has no Oracle form. Not run on Oracle.
SELECT c.owner AS schema_name,
       c.table_name AS table_name,
       c.constraint_name AS constraint_name,
       LISTAGG(cc.column_name, ',') WITHIN GROUP (ORDER BY cc.position) AS column_names,
       r.owner || '.' || r.table_name AS referenced_table,
       'partitioned table' AS referenced_kind
  FROM all_constraints c
  JOIN all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name
  JOIN all_constraints r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name
  JOIN all_tables rt ON rt.owner = r.owner AND rt.table_name = r.table_name
  JOIN all_users u ON u.username = c.owner
 WHERE c.constraint_type = 'R'
   AND rt.partitioned = 'YES'
   AND u.oracle_maintained = 'N'
   AND c.owner <> 'DECLUTTER'
 GROUP BY c.owner, c.table_name, c.constraint_name, r.owner, r.table_name
 ORDER BY 1, 2, 3
