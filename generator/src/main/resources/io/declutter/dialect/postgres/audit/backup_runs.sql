-- The runs of declutter's jobs with the rows each deleted per table (from declutter.log), for the backup tables
-- and for what a purge freed (docs/audit.md#after-a-purge).
SELECT r.job AS job,
       r.run_id AS run_id,
       r.status AS status,
       r.started_at AS started_at,
       r.ended_at AS ended_at,
       l.table_name AS table_name,
       coalesce(sum(l.rows), 0)::bigint AS rows_deleted
  FROM declutter.run r
  JOIN declutter.log l ON l.run_id = r.run_id AND l.action IN ('delete', 'catch-up delete')
                      AND l.table_name IS NOT NULL
 GROUP BY r.job, r.run_id, r.status, r.started_at, r.ended_at, l.table_name
 ORDER BY r.run_id, l.table_name
