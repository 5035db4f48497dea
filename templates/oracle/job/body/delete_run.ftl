<#-- Included by package_body.ftl: subprogram delete_run of the job's package. -->
    PROCEDURE delete_run(
        p_run        IN NUMBER,
        p_batch_size IN NUMBER                   DEFAULT ${job.batchSize},
        p_deadline   IN TIMESTAMP WITH TIME ZONE DEFAULT NULL)
    IS
        v_phase     VARCHAR2(20);
        v_rows      NUMBER;
        v_remaining NUMBER;
        v_retries   PLS_INTEGER := 0;
        v_pause     NUMBER;
        v_error     VARCHAR2(4000);
        v_cached    NUMBER;
        v_deleted   NUMBER;
        v_rindex    BINARY_INTEGER := DBMS_APPLICATION_INFO.SET_SESSION_LONGOPS_NOHINT;
        v_slno      BINARY_INTEGER;
    BEGIN
        LOOP
            EXIT WHEN p_deadline IS NOT NULL AND SYSTIMESTAMP >= p_deadline;
            SELECT pause_requested INTO v_pause FROM ${job.schema}.RUN WHERE run_id = p_run;
            EXIT WHEN v_pause = 1;
            step(p_run, p_batch_size, 0, v_phase, v_rows, v_remaining);
            COMMIT;
            -- Progress in V$SESSION_LONGOPS: rows deleted of rows cached.
            SELECT NVL(SUM(rows_cached), 0), NVL(SUM(rows_deleted), 0) INTO v_cached, v_deleted
              FROM ${job.schema}.CONTROL WHERE run_id = p_run AND strategy = 'delete';
            DBMS_APPLICATION_INFO.SET_SESSION_LONGOPS(
                rindex      => v_rindex,
                slno        => v_slno,
                op_name     => SUBSTRB('declutter:' || c_job, 1, 64),
                target_desc => 'run ' || p_run,
                context     => p_run,
                sofar       => v_deleted,
                totalwork   => v_cached,
                units       => 'rows');
            EXIT WHEN v_phase IN ('done', 'failed', 'busy');
            IF v_phase = 'retry' THEN
                v_retries := v_retries + 1;
                ${ora.sleep}(LEAST(60, POWER(2, LEAST(v_retries, 6))));
            ELSE
                v_retries := 0;
            END IF;
        END LOOP;
        IF v_phase = 'busy' THEN
            DBMS_OUTPUT.PUT_LINE('declutter: another session is working on job ${job.name}; run ' || p_run || ' left to it');
        END IF;
        IF v_phase = 'failed' THEN
            SELECT last_error INTO v_error FROM ${job.schema}.RUN WHERE run_id = p_run;
            RAISE_APPLICATION_ERROR(-20008, 'declutter: run ' || p_run || ' failed: ' || v_error
                || '. Fix the cause and call DELETE_RUN again: the run resumes where it stopped.');
        END IF;
    END delete_run;
