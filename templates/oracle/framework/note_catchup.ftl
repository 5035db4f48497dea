<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.NOTE_CATCHUP" purpose="records rows found by the catch-up pass (inserted since the cache, referencing purged rows): backed up (p_upper NULL) or deleted (p_upper = new watermark)"/>
CREATE OR REPLACE PROCEDURE ${schema}.NOTE_CATCHUP(
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
       SET rows_cached  = rows_cached + CASE WHEN p_upper IS NULL THEN p_rows ELSE 0 END,
           rows_deleted = rows_deleted + CASE WHEN p_upper IS NULL THEN 0 ELSE p_rows END,
           watermark    = GREATEST(watermark, NVL(p_upper, watermark))
     WHERE run_id = p_run AND edge_id = p_edge;

    INSERT INTO ${schema}.LOG (run_id, edge_id, table_name, action, row_count, started_at)
    VALUES (p_run, p_edge, p_table, CASE WHEN p_upper IS NULL THEN 'catch-up' ELSE 'catch-up delete' END, p_rows,
            p_started);
END NOTE_CATCHUP;
/
