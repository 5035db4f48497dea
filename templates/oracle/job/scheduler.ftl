<#import "../lib.ftl" as lib>
<@lib.header object="scheduler job ${ora.schedulerJob}" purpose="optional: runs the purge inside the database every night in the job's window (DBMS_SCHEDULER), without the runner; not part of the changelog: run it as ${ora.schemaName} to enable the nightly purge"/>
--
-- Window: ${ora.windowText}.
-- Every night at ${ora.windowStart} it starts (or resumes) a run with a deadline ${ora.windowMinutes} minutes later and calls
-- DELETE_RUN, which stops at the deadline and resumes the next night. It shows up in V$SESSION as MODULE
-- 'declutter:${job.name}' and in USER_SCHEDULER_JOB_RUN_DETAILS; runs and errors are in ${job.schema}.RUN and LOG.
-- To stop it: BEGIN DBMS_SCHEDULER.DROP_JOB('${ora.schedulerJob}', force => TRUE); END;
DECLARE
    v_count PLS_INTEGER;
BEGIN
    SELECT COUNT(*) INTO v_count FROM all_scheduler_jobs
     WHERE owner = ${lib.lit(ora.schemaName)} AND job_name = ${lib.lit(ora.schedulerJobName)};
    IF v_count > 0 THEN
        DBMS_SCHEDULER.DROP_JOB(job_name => ${lib.lit(ora.schedulerJob)}, force => TRUE);
    END IF;
    DBMS_SCHEDULER.CREATE_JOB(
        job_name        => ${lib.lit(ora.schedulerJob)},
        job_type        => 'PLSQL_BLOCK',
        job_action      => ${lib.ql(ora.schedulerAction)},
        start_date      => SYSTIMESTAMP,
        repeat_interval => ${lib.lit(ora.repeatInterval)},
        enabled         => TRUE,
        comments        => ${lib.lit("declutter: nightly purge of job " + job.name)});
END;
/
