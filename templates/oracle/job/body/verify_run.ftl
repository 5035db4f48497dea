<#-- Included by package_body.ftl: subprogram verify_run of the job's package. -->
    FUNCTION verify_run(
        p_run IN NUMBER)
    RETURN verify_rows PIPELINED
    IS
        v_row   verify_row;
        v_count PLS_INTEGER;
    BEGIN
        SELECT COUNT(*) INTO v_count FROM ${job.schema}.RUN r WHERE r.run_id = p_run AND r.job = c_job;
        IF v_count = 0 THEN
            RAISE_APPLICATION_ERROR(-20003, 'declutter: run ' || p_run || ' of job ${job.name} does not exist');
        END IF;
<#list job.tables as t>

        -- ${lib.line(t.display)}
        SELECT ${lit(t.display)}, ${t.height}, COUNT(b.declutter_seq), COUNT(t.${t.key[0]}),
               COUNT(b.declutter_seq) - COUNT(t.${t.key[0]})
          INTO v_row.table_name, v_row.height, v_row.backup_rows, v_row.present_rows, v_row.deleted_rows
          FROM ${t.backup} b
          LEFT JOIN ${t.table} t ON ${t.keyMatch("t", "b")}
         WHERE b.declutter_run = p_run;
        v_row.orphan_rows := 0;
<#list job.incoming(t) as s>
        SELECT v_row.orphan_rows + COUNT(*) INTO v_row.orphan_rows
          FROM ${t.table} c
         WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} p
                        WHERE p.declutter_run = p_run AND ${s.parentMatch}
                          AND NOT EXISTS (SELECT 1 FROM ${s.parent.table} x WHERE ${s.parent.keyMatch("x", "p")}));
</#list>
        PIPE ROW (v_row);
</#list>
        RETURN;
    END verify_run;
