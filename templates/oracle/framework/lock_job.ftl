<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.LOCK_JOB" purpose="one session at a time works on a job: takes the job's user lock (DBMS_LOCK, exclusive, no wait), for the transaction or the whole session; 1 when this session holds it, 0 when another does"/>
--
-- Needs EXECUTE on SYS.DBMS_LOCK (granted to ${schemaName} by setup_schema.sql). The lock id is a hash of the job
-- name in the range of user locks; the step procedure takes it per unit (released at COMMIT), the runner for
-- its whole session, so two runners, or a runner and DELETE_RUN, never work on one job at once.
CREATE OR REPLACE FUNCTION ${schema}.LOCK_JOB(
    p_job     IN VARCHAR2,
    p_session IN NUMBER DEFAULT 0)
RETURN NUMBER
AUTHID DEFINER
IS
    v_result INTEGER;
BEGIN
    v_result := DBMS_LOCK.REQUEST(
        id                => DBMS_UTILITY.GET_HASH_VALUE('declutter:' || p_job, 1, 1073741822),
        lockmode          => DBMS_LOCK.X_MODE,
        timeout           => 0,
        release_on_commit => (p_session = 0));
    -- 0: granted; 4: this session already holds it (the runner's session lock covers every unit).
    IF v_result IN (0, 4) THEN
        RETURN 1;
    END IF;
    RETURN 0;
END LOCK_JOB;
/
