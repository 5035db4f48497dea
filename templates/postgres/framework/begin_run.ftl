<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.begin_run" purpose="starts a run of a job, or resumes its unfinished run; resets the control rows of a new run"/>
CREATE OR REPLACE FUNCTION ${schema}.begin_run(p_job text, p_deadline timestamptz, p_batch_size integer)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_run bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ${schema}.control WHERE job = p_job) THEN
        RAISE EXCEPTION 'declutter: job % is not deployed', p_job
            USING HINT = 'Generate and deploy it first (declutter generate, then declutter deploy).';
    END IF;

    -- An unfinished run (running or failed) is resumed, never started twice.
    UPDATE ${schema}.run
       SET status = 'running', deadline = p_deadline, batch_size = p_batch_size,
           pause_requested = false, last_error = NULL, fks_checked_at = NULL
     WHERE job = p_job AND status IN ('running', 'failed')
    RETURNING run_id INTO v_run;
    IF FOUND THEN
        INSERT INTO ${schema}.log (run_id, action, started_at, message)
        VALUES (v_run, 'begin', clock_timestamp(), 'resumed');
        RETURN v_run;
    END IF;

    INSERT INTO ${schema}.run (job, deadline, batch_size)
    VALUES (p_job, p_deadline, p_batch_size)
    RETURNING run_id INTO v_run;

    UPDATE ${schema}.control
       SET run_id = v_run,
           status = CASE WHEN strategy = 'skip' THEN 'skipped' ELSE 'pending' END,
           rows_cached = 0, rows_deleted = 0, rows_restored = 0, watermark = 0,
           last_error = NULL, started_at = NULL, finished_at = NULL
     WHERE job = p_job;

    INSERT INTO ${schema}.log (run_id, action, started_at, message)
    VALUES (v_run, 'begin', clock_timestamp(), 'new run');
    RETURN v_run;
END
$fn$;
