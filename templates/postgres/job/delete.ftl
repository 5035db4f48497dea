<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${job.proc('delete')}" purpose="runs a whole purge inside the database (cache, then delete batches), one transaction per unit, until done, the deadline or a pause request"/>
--
-- For pg_cron or a DBA's session: CALL ${job.proc('delete')}(${job.schema}.begin_run('${job.name}', now() + interval '6 hours', ${job.batchSize}));
-- CALL it outside a transaction block (it commits). Every unit sets lock_timeout; a lock timeout is retried
-- after a growing pause (at most a minute); any other error stops it and is raised, with the run left
-- resumable. PostgreSQL arms statement_timeout once per top-level statement, so set it (if at all) for the
-- whole CALL; the runner (declutter run) sets it for each unit instead.
CREATE OR REPLACE PROCEDURE ${job.proc('delete')}(
    p_run        bigint,
    p_batch_size integer     DEFAULT ${job.batchSize},
    p_deadline   timestamptz DEFAULT NULL)
LANGUAGE plpgsql
AS ${tags.proc}
DECLARE
    v_phase     text;
    v_rows      bigint;
    v_remaining bigint;
    v_retries   integer := 0;
BEGIN
    LOOP
        EXIT WHEN p_deadline IS NOT NULL AND clock_timestamp() >= p_deadline;
        EXIT WHEN (SELECT pause_requested FROM ${job.schema}.run WHERE run_id = p_run);
        v_phase := NULL;
        CALL ${job.proc('step')}(p_run, p_batch_size, false, v_phase, v_rows, v_remaining);
        COMMIT;
        EXIT WHEN v_phase IN ('done', 'failed', 'busy');
        IF v_phase = 'retry' THEN
            v_retries := v_retries + 1;
            PERFORM pg_sleep(LEAST(60, 2 ^ LEAST(v_retries, 6)));
        ELSE
            v_retries := 0;
        END IF;
    END LOOP;
    IF v_phase = 'busy' THEN
        RAISE NOTICE 'declutter: another session is working on job %; run % left to it', ${job.nameLiteral}, p_run;
    END IF;
    IF v_phase = 'failed' THEN
        RAISE EXCEPTION 'declutter: run % failed: %', p_run,
            (SELECT last_error FROM ${job.schema}.run WHERE run_id = p_run)
            USING HINT = 'Fix the cause and call this procedure again: the run resumes where it stopped.';
    END IF;
END
${tags.proc};
