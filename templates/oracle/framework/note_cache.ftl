<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.NOTE_CACHE" purpose="records rows cached through one edge (and, when final, that the edge is complete)"/>
CREATE OR REPLACE PROCEDURE ${schema}.NOTE_CACHE(
    p_run     IN NUMBER,
    p_edge    IN NUMBER,
    p_table   IN VARCHAR2,
    p_rows    IN NUMBER,
    p_started IN TIMESTAMP WITH TIME ZONE,
    p_final   IN NUMBER)
AUTHID DEFINER
IS
BEGIN
    UPDATE ${schema}.CONTROL
       SET rows_cached = rows_cached + p_rows,
           status      = CASE WHEN p_final = 1 THEN 'cached' ELSE status END,
           started_at  = NVL(started_at, p_started),
           finished_at = CASE WHEN p_final = 1 THEN SYSTIMESTAMP END,
           last_error  = NULL
     WHERE run_id = p_run AND edge_id = p_edge;

    UPDATE ${schema}.RUN SET status = 'running', last_error = NULL WHERE run_id = p_run AND status = 'failed';

    INSERT INTO ${schema}.LOG (run_id, edge_id, table_name, action, row_count, started_at)
    VALUES (p_run, p_edge, p_table, 'cache', p_rows, p_started);
END NOTE_CACHE;
/
