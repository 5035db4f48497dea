<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.NOTE_ERROR" purpose="records a failed step; a retryable one (lock wait timeout, a concurrent child, a cancelled call) leaves the run running, any other marks it failed (resumable)"/>
CREATE OR REPLACE PROCEDURE ${schema}.NOTE_ERROR(
    p_run     IN NUMBER,
    p_edge    IN NUMBER,
    p_table   IN VARCHAR2,
    p_action  IN VARCHAR2,
    p_message IN VARCHAR2,
    p_retry   IN NUMBER,
    p_started IN TIMESTAMP WITH TIME ZONE)
AUTHID DEFINER
IS
    v_message VARCHAR2(4000 BYTE) := SUBSTRB(p_message, 1, 3000);
BEGIN
    UPDATE ${schema}.CONTROL SET last_error = v_message WHERE run_id = p_run AND edge_id = p_edge;

    UPDATE ${schema}.RUN SET status = 'failed', last_error = SUBSTRB(p_action || ' ' || p_table || ': ' || v_message, 1, 4000)
     WHERE run_id = p_run AND p_retry = 0;

    INSERT INTO ${schema}.LOG (run_id, edge_id, table_name, action, started_at, message)
    VALUES (p_run, p_edge, p_table, CASE WHEN p_retry = 1 THEN 'retry' ELSE 'error' END, p_started,
            SUBSTRB(p_action || ': ' || v_message, 1, 4000));
END NOTE_ERROR;
/
