<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.request_pause" purpose="asks a running purge to stop after its current batch (declutter stop); the next run resumes it"/>
CREATE OR REPLACE FUNCTION ${schema}.request_pause(p_run bigint)
RETURNS boolean
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.run SET pause_requested = true
     WHERE run_id = p_run AND status IN ('running', 'failed')
    RETURNING true;
$fn$;
