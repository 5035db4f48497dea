<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.note_cache" purpose="records rows cached through one edge (and, when final, that the edge is complete)"/>
CREATE OR REPLACE FUNCTION ${schema}.note_cache(p_run bigint, p_edge integer, p_table text, p_rows bigint,
                                               p_started timestamptz, p_final boolean)
RETURNS void
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.control
       SET rows_cached = rows_cached + p_rows,
           status      = CASE WHEN p_final THEN 'cached' ELSE status END,
           started_at  = COALESCE(started_at, p_started),
           finished_at = CASE WHEN p_final THEN clock_timestamp() END,
           last_error  = NULL
     WHERE run_id = p_run AND edge_id = p_edge;

    UPDATE ${schema}.run SET status = 'running', last_error = NULL WHERE run_id = p_run AND status = 'failed';

    INSERT INTO ${schema}.log (run_id, edge_id, table_name, action, rows, started_at)
    VALUES (p_run, p_edge, p_table, 'cache', p_rows, p_started);
$fn$;
