<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.note_error" purpose="records a failed step; a retryable one (lock or statement timeout, deadlock) leaves the run running, any other marks it failed (resumable)"/>
CREATE OR REPLACE FUNCTION ${schema}.note_error(p_run bigint, p_edge integer, p_table text, p_action text,
                                               p_message text, p_retry boolean, p_started timestamptz)
RETURNS void
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.control SET last_error = p_message WHERE run_id = p_run AND edge_id = p_edge;

    UPDATE ${schema}.run SET status = 'failed', last_error = p_action || coalesce(' ' || p_table, '') || ': ' || p_message
     WHERE run_id = p_run AND NOT p_retry;

    INSERT INTO ${schema}.log (run_id, edge_id, table_name, action, started_at, message)
    VALUES (p_run, p_edge, p_table, CASE WHEN p_retry THEN 'retry' ELSE 'error' END, p_started,
            p_action || ': ' || p_message);
$fn$;
