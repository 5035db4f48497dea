-- declutter's backup tables (docs/audit.md#backup-tables): the tables of schema DECLUTTER with a DECLUTTER_RUN
-- column; job and purged table from the comment the deployment puts on each. Not run on Oracle.
SELECT t.table_name AS table_name,
       REGEXP_SUBSTR(tc.comments, 'for job (.*)$', 1, 1, NULL, 1) AS job,
       REGEXP_SUBSTR(tc.comments, '^declutter backup of (.*) for job ', 1, 1, NULL, 1) AS purged_table,
       NVL((SELECT SUM(s.bytes) FROM dba_segments s
             WHERE s.owner = t.owner AND s.segment_name = t.table_name), 0) AS total_bytes,
       NVL(t.num_rows, -1) AS row_estimate
  FROM all_tables t
  LEFT JOIN all_tab_comments tc ON tc.owner = t.owner AND tc.table_name = t.table_name
 WHERE t.owner = 'DECLUTTER'
   AND EXISTS (SELECT 1 FROM all_tab_columns c
                WHERE c.owner = t.owner AND c.table_name = t.table_name AND c.column_name = 'DECLUTTER_RUN')
 ORDER BY 1
