-- Foreign keys whose columns lead no index of the referencing table (docs/audit.md#findings): each of the key's
-- columns is among the first n columns of some index, n the number of the key's columns. Not run on Oracle.
SELECT c.owner AS schema_name,
       c.table_name AS table_name,
       c.constraint_name AS constraint_name,
       LISTAGG(cc.column_name, ',') WITHIN GROUP (ORDER BY cc.position) AS column_names,
       r.owner || '.' || r.table_name AS referenced_table,
       CASE WHEN rt.partitioned = 'YES' THEN 'partitioned table' ELSE 'table' END AS referenced_kind
  FROM all_constraints c
  JOIN all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name
  JOIN all_constraints r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name
  JOIN all_tables rt ON rt.owner = r.owner AND rt.table_name = r.table_name
  JOIN all_users u ON u.username = c.owner
 WHERE c.constraint_type = 'R'
   AND u.oracle_maintained = 'N'
   AND c.owner <> 'DECLUTTER'
   AND NOT EXISTS (
        SELECT 1
          FROM all_indexes i
         WHERE i.table_owner = c.owner
           AND i.table_name = c.table_name
           AND NOT EXISTS (
                SELECT 1
                  FROM all_cons_columns fc
                 WHERE fc.owner = c.owner
                   AND fc.constraint_name = c.constraint_name
                   AND NOT EXISTS (
                        SELECT 1
                          FROM all_ind_columns ic
                         WHERE ic.index_owner = i.owner
                           AND ic.index_name = i.index_name
                           AND ic.column_name = fc.column_name
                           AND ic.column_position <= (SELECT COUNT(*) FROM all_cons_columns k
                                                       WHERE k.owner = c.owner
                                                         AND k.constraint_name = c.constraint_name))))
 GROUP BY c.owner, c.table_name, c.constraint_name, r.owner, r.table_name, rt.partitioned
 ORDER BY 1, 2, 3
