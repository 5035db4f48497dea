<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.note_delete" purpose="records a delete batch: moves the watermark (resume point) in the same transaction as the delete; a NULL upper bound marks the table done"/>
CREATE OR REPLACE FUNCTION ${schema}.note_delete(p_run bigint, p_edge integer, p_table text, p_upper bigint,
                                                p_rows bigint, p_started timestamptz)
RETURNS void
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.control
       SET status       = CASE WHEN p_upper IS NULL THEN 'deleted' ELSE 'deleting' END,
           watermark    = COALESCE(p_upper, watermark),
           rows_deleted = rows_deleted + p_rows,
           started_at   = COALESCE(started_at, p_started),
           finished_at  = CASE WHEN p_upper IS NULL THEN clock_timestamp() END,
           last_error   = NULL
     WHERE run_id = p_run AND edge_id = p_edge;

    UPDATE ${schema}.run SET status = 'running', last_error = NULL WHERE run_id = p_run AND status = 'failed';

    INSERT INTO ${schema}.log (run_id, edge_id, table_name, action, rows, started_at, message)
    VALUES (p_run, p_edge, p_table, 'delete', p_rows, p_started,
            CASE WHEN p_upper IS NULL THEN 'table done' ELSE 'batch up to backup sequence ' || p_upper END);
$fn$;
