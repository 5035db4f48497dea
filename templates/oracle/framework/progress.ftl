<#import "../lib.ftl" as lib>
<@lib.header object="view ${schema}.PROGRESS" purpose="per job and table: rows cached, deleted and restored by the current run"/>
CREATE OR REPLACE VIEW ${schema}.PROGRESS AS
SELECT p.job,
       p.run_id,
       p.child_table AS table_name,
       p.height,
       p.edge_id     AS primary_edge,
       p.status,
       (SELECT SUM(e.rows_cached)
          FROM ${schema}.CONTROL e
         WHERE e.job = p.job AND e.child_table = p.child_table AND e.strategy = 'delete') AS rows_cached,
       p.rows_deleted,
       p.rows_restored,
       p.last_error,
       p.started_at,
       p.finished_at
  FROM ${schema}.CONTROL p
 WHERE p.is_primary = 1
/
