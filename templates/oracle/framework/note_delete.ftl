<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.NOTE_DELETE" purpose="records a delete batch: moves the watermark (resume point) in the same transaction as the delete; a NULL upper bound marks the table done"/>
CREATE OR REPLACE PROCEDURE ${schema}.NOTE_DELETE(
    p_run     IN NUMBER,
    p_edge    IN NUMBER,
    p_table   IN VARCHAR2,
    p_upper   IN NUMBER,
    p_rows    IN NUMBER,
    p_started IN TIMESTAMP WITH TIME ZONE)
AUTHID DEFINER
IS
BEGIN
    UPDATE ${schema}.CONTROL
       SET status       = CASE WHEN p_upper IS NULL THEN 'deleted' ELSE 'deleting' END,
           watermark    = NVL(p_upper, watermark),
           rows_deleted = rows_deleted + p_rows,
           started_at   = NVL(started_at, p_started),
           finished_at  = CASE WHEN p_upper IS NULL THEN SYSTIMESTAMP END,
           last_error   = NULL
     WHERE run_id = p_run AND edge_id = p_edge;

    UPDATE ${schema}.RUN SET status = 'running', last_error = NULL WHERE run_id = p_run AND status = 'failed';

    INSERT INTO ${schema}.LOG (run_id, edge_id, table_name, action, row_count, started_at, message)
    VALUES (p_run, p_edge, p_table, 'delete', p_rows, p_started,
            CASE WHEN p_upper IS NULL THEN 'table done' ELSE 'batch up to backup sequence ' || p_upper END);
END NOTE_DELETE;
/
