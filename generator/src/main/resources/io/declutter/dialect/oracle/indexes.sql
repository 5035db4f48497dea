-- Key columns of every index on plain columns, in index order (to find foreign keys without an index).
-- Function-based and domain indexes are left out: their columns are expressions.
SELECT ic.table_owner AS schema_name,
       ic.table_name AS table_name,
       ic.index_name AS index_name,
       ic.column_name AS column_name,
       ic.column_position AS position
  FROM all_ind_columns ic
  JOIN all_indexes ix ON ix.owner = ic.index_owner AND ix.index_name = ic.index_name
  JOIN all_users u ON u.username = ic.table_owner
 WHERE ix.index_type IN ('NORMAL', 'IOT - TOP', 'BITMAP')
   AND ix.table_type = 'TABLE'
   AND u.oracle_maintained = 'N'
   AND ic.table_owner <> 'DECLUTTER'
 ORDER BY 1, 2, 3, 5
