<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.NOTE_RESTORE" purpose="records rows a rollback put back into one table"/>
CREATE OR REPLACE PROCEDURE ${schema}.NOTE_RESTORE(
    p_run     IN NUMBER,
    p_edge    IN NUMBER,
    p_table   IN VARCHAR2,
    p_rows    IN NUMBER,
    p_started IN TIMESTAMP WITH TIME ZONE)
AUTHID DEFINER
IS
BEGIN
    UPDATE ${schema}.CONTROL SET rows_restored = rows_restored + p_rows
     WHERE run_id = p_run AND edge_id = p_edge;

    INSERT INTO ${schema}.LOG (run_id, edge_id, table_name, action, row_count, started_at)
    VALUES (p_run, p_edge, p_table, 'restore', p_rows, p_started);
END NOTE_RESTORE;
/
