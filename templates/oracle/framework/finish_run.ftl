<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.FINISH_RUN" purpose="closes a run with its final status"/>
CREATE OR REPLACE PROCEDURE ${schema}.FINISH_RUN(
    p_run    IN NUMBER,
    p_status IN VARCHAR2)
AUTHID DEFINER
IS
BEGIN
    UPDATE ${schema}.RUN SET status = p_status, ended_at = SYSTIMESTAMP, last_error = NULL
     WHERE run_id = p_run;

    INSERT INTO ${schema}.LOG (run_id, action, started_at, message)
    VALUES (p_run, 'end', SYSTIMESTAMP, p_status);
END FINISH_RUN;
/
