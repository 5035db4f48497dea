-- The runs of declutter's jobs with the rows each deleted per table (DECLUTTER.LOG). Not run on Oracle.
SELECT r.job AS job,
       r.run_id AS run_id,
       r.status AS status,
       r.started_at AS started_at,
       r.ended_at AS ended_at,
       l.table_name AS table_name,
       NVL(SUM(l.row_count), 0) AS rows_deleted
  FROM declutter.run r
  JOIN declutter.log l ON l.run_id = r.run_id AND l.action IN ('delete', 'catch-up delete')
                      AND l.table_name IS NOT NULL
 GROUP BY r.job, r.run_id, r.status, r.started_at, r.ended_at, l.table_name
 ORDER BY 2, 6
