<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.BEGIN_RUN" purpose="starts a run of a job, or resumes its unfinished run; resets the control rows of a new run"/>
--
-- Runs in the caller's transaction (the caller commits): from JDBC {? = call ${schema}.BEGIN_RUN(?, ?, ?)}, or in
-- PL/SQL before ${schema}.<job>.DELETE_RUN. A function doing DML cannot be called from a SELECT.
CREATE OR REPLACE FUNCTION ${schema}.BEGIN_RUN(
    p_job        IN VARCHAR2,
    p_deadline   IN TIMESTAMP WITH TIME ZONE,
    p_batch_size IN NUMBER)
RETURN NUMBER
AUTHID DEFINER
IS
    v_run   NUMBER;
    v_count PLS_INTEGER;
BEGIN
    SELECT COUNT(*) INTO v_count FROM ${schema}.CONTROL WHERE job = p_job;
    IF v_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20002, 'declutter: job ' || p_job || ' is not deployed.'
            || ' Generate and deploy it first (declutter generate, then declutter deploy).');
    END IF;

    -- An unfinished run (running or failed) is resumed, never started twice.
    UPDATE ${schema}.RUN
       SET status = 'running', deadline = p_deadline, batch_size = p_batch_size,
           pause_requested = 0, last_error = NULL
     WHERE job = p_job AND status IN ('running', 'failed')
    RETURNING run_id INTO v_run;
    IF SQL%ROWCOUNT > 0 THEN
        INSERT INTO ${schema}.LOG (run_id, action, started_at, message)
        VALUES (v_run, 'begin', SYSTIMESTAMP, 'resumed');
        RETURN v_run;
    END IF;

    INSERT INTO ${schema}.RUN (job, deadline, batch_size)
    VALUES (p_job, p_deadline, p_batch_size)
    RETURNING run_id INTO v_run;

    UPDATE ${schema}.CONTROL
       SET run_id = v_run,
           status = CASE WHEN strategy = 'skip' THEN 'skipped' ELSE 'pending' END,
           rows_cached = 0, rows_deleted = 0, rows_restored = 0, watermark = 0,
           last_error = NULL, started_at = NULL, finished_at = NULL
     WHERE job = p_job;

    INSERT INTO ${schema}.LOG (run_id, action, started_at, message)
    VALUES (v_run, 'begin', SYSTIMESTAMP, 'new run');
    RETURN v_run;
END BEGIN_RUN;
/
