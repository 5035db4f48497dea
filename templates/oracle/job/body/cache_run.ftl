<#-- Included by package_body.ftl: subprogram cache_run of the job's package. -->
    PROCEDURE cache_run(
        p_run IN NUMBER)
    IS
        v_phase     VARCHAR2(20);
        v_rows      NUMBER;
        v_remaining NUMBER;
        v_error     VARCHAR2(4000);
    BEGIN
        LOOP
            step(p_run, 1, 1, v_phase, v_rows, v_remaining);
            COMMIT;
            EXIT WHEN v_phase <> 'cache';
        END LOOP;
        IF v_phase IN ('failed', 'retry', 'busy') THEN
            SELECT last_error INTO v_error FROM ${job.schema}.RUN WHERE run_id = p_run;
            RAISE_APPLICATION_ERROR(-20006, 'declutter: caching run ' || p_run || ' stopped (' || v_phase || '): '
                || v_error);
        END IF;
    END cache_run;
