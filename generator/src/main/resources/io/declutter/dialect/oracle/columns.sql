-- Every user-defined column of those tables (invisible ones included, system-generated hidden ones left out),
-- with its type spelled as CREATE TABLE takes it, so backup tables copy it verbatim. Virtual columns are
-- reported as generated: backed up, never written on rollback.
SELECT c.owner AS schema_name,
       c.table_name AS table_name,
       c.column_name AS column_name,
       ROW_NUMBER() OVER (PARTITION BY c.owner, c.table_name
                          ORDER BY NVL(c.column_id, 100000 + c.internal_column_id)) AS position,
       CASE
           WHEN c.data_type = 'NUMBER' AND c.data_precision IS NULL AND c.data_scale = 0 THEN 'INTEGER'
           WHEN c.data_type = 'NUMBER' AND c.data_precision IS NULL THEN 'NUMBER'
           WHEN c.data_type = 'NUMBER' AND c.data_scale = 0 THEN 'NUMBER(' || c.data_precision || ')'
           WHEN c.data_type = 'NUMBER' THEN 'NUMBER(' || c.data_precision || ',' || c.data_scale || ')'
           WHEN c.data_type = 'FLOAT' THEN 'FLOAT(' || c.data_precision || ')'
           WHEN c.data_type IN ('VARCHAR2', 'CHAR')
               THEN c.data_type || '(' || c.char_length || DECODE(c.char_used, 'C', ' CHAR', ' BYTE') || ')'
           WHEN c.data_type IN ('NVARCHAR2', 'NCHAR') THEN c.data_type || '(' || c.char_length || ')'
           WHEN c.data_type IN ('RAW', 'UROWID') THEN c.data_type || '(' || c.data_length || ')'
           WHEN c.data_type_owner IS NOT NULL AND c.data_type_owner NOT IN ('SYS', 'PUBLIC')
               THEN '"' || c.data_type_owner || '"."' || c.data_type || '"'
           ELSE c.data_type
       END AS data_type,
       CASE c.nullable WHEN 'Y' THEN 1 ELSE 0 END AS nullable,
       CASE i.generation_type WHEN 'ALWAYS' THEN 'ALWAYS' WHEN 'BY DEFAULT' THEN 'BY_DEFAULT' ELSE 'NONE' END
           AS identity_kind,
       CASE c.virtual_column WHEN 'YES' THEN 1 ELSE 0 END AS generated,
       -- only ON DELETE SET DEFAULT needs a column's default, and Oracle has no such rule
       CAST(NULL AS VARCHAR2(4000)) AS default_value
  FROM all_tab_cols c
  JOIN all_tables t ON t.owner = c.owner AND t.table_name = c.table_name
  JOIN all_users u ON u.username = t.owner
  LEFT JOIN all_tab_identity_cols i
         ON i.owner = c.owner AND i.table_name = c.table_name AND i.column_name = c.column_name
 WHERE u.oracle_maintained = 'N'
   AND t.owner <> 'DECLUTTER'
   AND t.temporary = 'N'
   AND t.nested = 'NO'
   AND t.secondary = 'N'
   AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND c.user_generated = 'YES'
 ORDER BY 1, 2, 4
