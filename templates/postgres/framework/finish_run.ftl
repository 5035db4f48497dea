<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.finish_run" purpose="closes a run with its final status"/>
CREATE OR REPLACE FUNCTION ${schema}.finish_run(p_run bigint, p_status text)
RETURNS void
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.run SET status = p_status, ended_at = clock_timestamp(), last_error = NULL
     WHERE run_id = p_run;

    INSERT INTO ${schema}.log (run_id, action, started_at, message)
    VALUES (p_run, 'end', clock_timestamp(), p_status);
$fn$;
