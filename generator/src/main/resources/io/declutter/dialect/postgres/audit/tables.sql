-- Per table of the application schemas (not the system schemas, not declutter's own): sizes, row estimates,
-- dead tuples, maintenance times, write counters and a statistics-based bloat estimate (docs/audit.md#bloat).
-- Partitions are listed as tables of their own (parent_table names the partitioned table, which holds no data).
-- bloat: the heap part of the well-known estimate by ioguix (https://github.com/ioguix/pgsql-bloat-estimation,
-- table/table_bloat.sql): the pages the table would need for its estimated rows at their average width
-- (pg_stats.avg_width, null_frac) and fill factor, against the pages it has. NULL when the statistics cannot
-- tell (never analyzed, a column without statistics, or a "name" column, whose width the statistics misreport).
WITH t AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples, c.relpages, c.reltoastrelid, c.reloptions,
           c.relispartition
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
       AND n.nspname NOT LIKE 'pg\_%'
),
width AS (
    SELECT t.oid,
           23 + CASE WHEN max(coalesce(s.null_frac, 0)) > 0 THEN (7 + count(s.attname)) / 8 ELSE 0 END AS tpl_hdr_size,
           sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)) AS tpl_data_size,
           bool_or(a.atttypid = 'pg_catalog.name'::regtype) OR count(*) <> count(s.attname) AS is_na
      FROM t
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_stats s ON s.schemaname = t.nspname AND s.tablename = t.relname AND s.inherited = false
                          AND s.attname = a.attname
     WHERE t.relkind = 'r'
     GROUP BY t.oid
),
tuple AS (
    -- ma: maximum alignment (8 on 64-bit servers); 24: page header; 4: line pointer per tuple.
    SELECT w.oid, w.is_na,
           current_setting('block_size')::numeric AS bs,
           4 + w.tpl_hdr_size + w.tpl_data_size + 2 * 8
             - CASE WHEN w.tpl_hdr_size % 8 = 0 THEN 8 ELSE w.tpl_hdr_size % 8 END
             - CASE WHEN ceil(w.tpl_data_size)::int % 8 = 0 THEN 8 ELSE ceil(w.tpl_data_size)::int % 8 END AS tpl_size
      FROM width w
),
bloat AS (
    SELECT t.oid,
           CASE WHEN u.is_na OR t.reltuples < 0 OR u.tpl_size <= 0 THEN NULL
                ELSE greatest(0, t.relpages
                      - ceil(t.reltuples / ((u.bs - 24) * coalesce(substring(array_to_string(t.reloptions, ' ')
                              FROM 'fillfactor=([0-9]+)')::smallint, 100) / (u.tpl_size * 100))))
                     * u.bs
           END AS bloat_bytes
      FROM t
      JOIN tuple u ON u.oid = t.oid
),
stamp AS (
    -- The first timestamp (or date) column, for a retention job's predicate.
    SELECT DISTINCT ON (a.attrelid) a.attrelid AS oid, a.attname
      FROM pg_attribute a
      JOIN t ON t.oid = a.attrelid
     WHERE a.attnum > 0 AND NOT a.attisdropped
       AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
     ORDER BY a.attrelid, a.attnum
)
SELECT t.nspname AS schema_name,
       t.relname AS table_name,
       CASE WHEN t.relkind = 'p' THEN 1 ELSE 0 END AS partitioned,
       (SELECT pn.nspname || '.' || p.relname
          FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
         WHERE i.inhrelid = t.oid AND t.relispartition) AS parent_table,
       pg_relation_size(t.oid) AS heap_bytes,
       pg_indexes_size(t.oid) AS index_bytes,
       coalesce(pg_total_relation_size(NULLIF(t.reltoastrelid, 0)), 0) AS toast_bytes,
       greatest(t.reltuples, -1)::bigint AS row_estimate,
       coalesce(st.n_live_tup, 0) AS live_tuples,
       coalesce(st.n_dead_tup, 0) AS dead_tuples,
       st.last_vacuum AS last_vacuum,
       st.last_autovacuum AS last_autovacuum,
       st.last_analyze AS last_analyze,
       st.last_autoanalyze AS last_autoanalyze,
       coalesce(st.n_tup_ins, 0) AS inserts,
       coalesce(st.n_tup_upd, 0) AS updates,
       coalesce(st.n_tup_del, 0) AS deletes,
       (SELECT d.stats_reset FROM pg_stat_database d WHERE d.datname = current_database()) AS counters_since,
       b.bloat_bytes::bigint AS bloat_bytes,
       s.attname AS timestamp_column
  FROM t
  LEFT JOIN pg_stat_user_tables st ON st.relid = t.oid
  LEFT JOIN bloat b ON b.oid = t.oid
  LEFT JOIN stamp s ON s.oid = t.oid
 ORDER BY 1, 2
