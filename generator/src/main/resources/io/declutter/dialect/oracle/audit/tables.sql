-- Per table of the application schemas: sizes from DBA_SEGMENTS (table, its indexes, its LOB segments in the
-- place of TOAST), optimizer statistics from ALL_TABLES, and the DML counters of ALL_TAB_MODIFICATIONS (since the
-- last statistics gathering, which resets them: counters_since; Oracle flushes them every few minutes, or with
-- DBMS_STATS.FLUSH_DATABASE_MONITORING_INFO). Oracle keeps no dead tuples (old versions live in undo): dead_tuples
-- is 0 and vacuum times are NULL. bloat: the blocks below the high-water mark against the blocks NUM_ROWS rows of
-- AVG_ROW_LEN need at PCT_FREE (docs/audit.md#bloat). Partitions are not listed on their own. Not run on Oracle.
SELECT t.owner AS schema_name,
       t.table_name AS table_name,
       CASE t.partitioned WHEN 'YES' THEN 1 ELSE 0 END AS partitioned,
       NULL AS parent_table,
       NVL((SELECT SUM(s.bytes) FROM dba_segments s
             WHERE s.owner = t.owner AND s.segment_name = t.table_name AND s.segment_type LIKE 'TABLE%'), 0) AS heap_bytes,
       NVL((SELECT SUM(s.bytes) FROM dba_segments s JOIN all_indexes i ON i.owner = s.owner AND i.index_name = s.segment_name
             WHERE i.table_owner = t.owner AND i.table_name = t.table_name AND s.segment_type LIKE 'INDEX%'), 0) AS index_bytes,
       NVL((SELECT SUM(s.bytes) FROM dba_segments s JOIN all_lobs l ON l.owner = s.owner AND l.segment_name = s.segment_name
             WHERE l.owner = t.owner AND l.table_name = t.table_name), 0) AS toast_bytes,
       NVL(t.num_rows, -1) AS row_estimate,
       NVL(t.num_rows, 0) AS live_tuples,
       0 AS dead_tuples,
       NULL AS last_vacuum,
       NULL AS last_autovacuum,
       CAST(t.last_analyzed AS TIMESTAMP) AS last_analyze,
       NULL AS last_autoanalyze,
       NVL(m.inserts, 0) AS inserts,
       NVL(m.updates, 0) AS updates,
       NVL(m.deletes, 0) AS deletes,
       CAST(t.last_analyzed AS TIMESTAMP) AS counters_since,
       CASE WHEN t.num_rows IS NULL OR t.avg_row_len IS NULL OR t.blocks IS NULL THEN NULL
            ELSE GREATEST(0, t.blocks * NVL(ts.block_size, 8192)
                             - CEIL(t.num_rows * t.avg_row_len / (1 - NVL(t.pct_free, 10) / 100)))
       END AS bloat_bytes,
       (SELECT c.column_name FROM all_tab_columns c
         WHERE c.owner = t.owner AND c.table_name = t.table_name
           AND c.column_id = (SELECT MIN(d.column_id) FROM all_tab_columns d
                               WHERE d.owner = t.owner AND d.table_name = t.table_name
                                 AND (d.data_type = 'DATE' OR d.data_type LIKE 'TIMESTAMP%'))) AS timestamp_column
  FROM all_tables t
  JOIN all_users u ON u.username = t.owner
  LEFT JOIN dba_tablespaces ts ON ts.tablespace_name = t.tablespace_name
  LEFT JOIN all_tab_modifications m ON m.table_owner = t.owner AND m.table_name = t.table_name
                                   AND m.partition_name IS NULL
 WHERE u.oracle_maintained = 'N'
   AND t.owner <> 'DECLUTTER'
   AND t.temporary = 'N'
   AND t.nested = 'NO'
   AND t.secondary = 'N'
   AND t.dropped = 'NO'
 ORDER BY 1, 2
