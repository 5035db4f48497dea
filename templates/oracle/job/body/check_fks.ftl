<#-- Included by package_body.ftl: subprogram check_fks of the job's package. -->
    -- Refuses a delete when an enabled foreign key the plan does not know references a purged table: it could delete
    -- or change rows without a backup (an ON DELETE CASCADE into a table the closure never reached) or make a batch
    -- fail half way. step calls it before the first delete batch of a run in each session (a resume in a new session
    -- checks again); ORA-20012 names the constraints (at most 20) and fails the run, resumable once the job is planned,
    -- generated and deployed again (docs/design.md#invariants). ALL_CONSTRAINTS lists the constraints of the tables
    -- the package's owner holds a privilege on: a foreign key from a table it cannot see is not found.
    PROCEDURE check_fks IS
        v_purged  SYS.ODCIVARCHAR2LIST := SYS.ODCIVARCHAR2LIST(
<#list ora.purgedTables?chunk(4) as row>
                      <#list row as t>${t}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
                  );
        v_known   SYS.ODCIVARCHAR2LIST := SYS.ODCIVARCHAR2LIST(
<#list ora.knownForeignKeys?chunk(2) as row>
                      <#list row as k>${k}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
                  );
        v_unknown VARCHAR2(4000);
    BEGIN
        SELECT LISTAGG(n, ', ') WITHIN GROUP (ORDER BY n)
          INTO v_unknown
          FROM (SELECT SUBSTRB('"' || c.owner || '"."' || c.table_name || '"."' || c.constraint_name || '"', 1, 190) AS n
                  FROM ALL_CONSTRAINTS c
                  JOIN ALL_CONSTRAINTS r ON r.owner = c.r_owner AND r.constraint_name = c.r_constraint_name
                 WHERE c.constraint_type = 'R'
                   AND c.status = 'ENABLED'
                   AND '"' || r.owner || '"."' || r.table_name || '"' IN (SELECT column_value FROM TABLE(v_purged))
                   AND '"' || c.owner || '"."' || c.table_name || '"."' || c.constraint_name || '"'
                       NOT IN (SELECT column_value FROM TABLE(v_known))
                 ORDER BY n
                 FETCH FIRST 20 ROWS ONLY);
        IF v_unknown IS NOT NULL THEN
            RAISE_APPLICATION_ERROR(-20012, SUBSTRB('declutter: job ${job.name} does not know these foreign keys into'
                || ' tables it purges: ' || v_unknown || '. The run stops before its next delete. Plan, generate and'
                || ' deploy the job again to take them into account, then resume the run.', 1, 2000));
        END IF;
    END check_fks;
