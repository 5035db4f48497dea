<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.REQUEST_PAUSE" purpose="asks a running purge to stop after its current batch (declutter stop); the next run resumes it; 1 when the run was open"/>
--
-- Runs in the caller's transaction (the caller commits). It waits for the unit in progress, whose transaction
-- holds the run row.
CREATE OR REPLACE FUNCTION ${schema}.REQUEST_PAUSE(
    p_run IN NUMBER)
RETURN NUMBER
AUTHID DEFINER
IS
BEGIN
    UPDATE ${schema}.RUN SET pause_requested = 1
     WHERE run_id = p_run AND status IN ('running', 'failed');
    IF SQL%ROWCOUNT > 0 THEN
        RETURN 1;
    END IF;
    RETURN 0;
END REQUEST_PAUSE;
/
