<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${job.proc('cache')}" purpose="fills the backup of a run, root to leaves, committing after every edge"/>
--
-- CALL it outside a transaction block (it commits). It stops at the first failure; the failed edge and
-- the error are in ${job.schema}.control and ${job.schema}.log, and calling it again resumes.
CREATE OR REPLACE PROCEDURE ${job.proc('cache')}(p_run bigint)
LANGUAGE plpgsql
AS ${tags.proc}
DECLARE
    v_phase     text;
    v_rows      bigint;
    v_remaining bigint;
BEGIN
    LOOP
        v_phase := NULL;
        CALL ${job.proc('step')}(p_run, 1, true, v_phase, v_rows, v_remaining);
        COMMIT;
        EXIT WHEN v_phase <> 'cache';
    END LOOP;
    IF v_phase IN ('failed', 'retry', 'busy') THEN
        RAISE EXCEPTION 'declutter: caching run % stopped (%): %', p_run, v_phase,
            (SELECT last_error FROM ${job.schema}.run WHERE run_id = p_run);
    END IF;
END
${tags.proc};
