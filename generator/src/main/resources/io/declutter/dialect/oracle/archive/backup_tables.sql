-- The backup tables of one job (parameters: the job, the framework schema as the catalog spells it), in restore
-- order: the closure's own tables root first (by height, as rollback puts them back), then the records of the values
-- SET NULL edges reset. With each, the table it copies and its columns in order, with their types as Oracle spells
-- them (docs/archive.md#oracle). The control table's schema is formatted in (%1$s).
WITH b AS (
    SELECT c.backup_table,
           MIN(c.child_table) AS source_table,
           MAX(CASE WHEN c.strategy = 'delete' THEN 1 ELSE 0 END) AS holds_rows,
           MAX(c.height) AS height
      FROM %1$s.CONTROL c
     WHERE c.job = ? AND c.backup_table IS NOT NULL
     GROUP BY c.backup_table
)
SELECT b.source_table, b.backup_table, b.holds_rows, t.column_name,
       CASE
           WHEN t.data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR')
               THEN t.data_type || '(' || t.char_length || CASE t.char_used WHEN 'C' THEN ' CHAR' ELSE ' BYTE' END || ')'
           WHEN t.data_type = 'NUMBER' AND t.data_precision IS NOT NULL
               THEN 'NUMBER(' || t.data_precision || CASE WHEN t.data_scale <> 0 THEN ',' || t.data_scale END || ')'
           WHEN t.data_type = 'NUMBER' AND t.data_scale = 0
               THEN 'INTEGER'
           WHEN t.data_type IN ('RAW', 'UROWID')
               THEN t.data_type || '(' || t.data_length || ')'
           WHEN t.data_type = 'FLOAT'
               THEN 'FLOAT(' || t.data_precision || ')'
           ELSE t.data_type
       END AS column_type
  FROM b
  JOIN all_tab_columns t ON t.owner = ? AND t.table_name = b.backup_table
 ORDER BY b.holds_rows DESC, b.height DESC, b.source_table, b.backup_table, t.column_id
