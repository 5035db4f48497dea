<#import "../lib.ftl" as lib>
<@lib.header object="control rows of job ${job.name}" purpose="the purge closure of the job: one row per foreign-key edge, with depth, height and strategy"/>
DECLARE
    v_count PLS_INTEGER;
BEGIN
    -- Replacing the edges of a job in the middle of a run would orphan its progress.
    SELECT COUNT(*) INTO v_count FROM ${job.schema}.RUN WHERE job = ${job.nameLiteral} AND status IN ('running', 'failed');
    IF v_count > 0 THEN
        RAISE_APPLICATION_ERROR(-20007, 'declutter: job ${job.name} has an unfinished run. Let it finish (declutter run)'
            || ' or roll it back (declutter rollback) before deploying a new version.');
    END IF;
    DELETE FROM ${job.schema}.CONTROL WHERE job = ${job.nameLiteral};
<#list ora.edges as e>
    INSERT INTO ${job.schema}.CONTROL
        (job, edge_id, parent_edge_id, constraint_name, parent_table, child_table, parent_columns, child_columns,
         on_delete, strategy, depth, height, cycle_group, breaks_cycle, is_primary, backup_table, status)
    VALUES (${job.nameLiteral}, ${e.id}, ${e.parentEdgeId}, ${e.constraint}, ${e.parentTable}, ${e.childTable},
            ${e.parentColumns}, ${e.childColumns}, ${e.onDelete}, ${e.strategy}, ${e.depth}, ${e.height},
            ${e.cycleGroup}, ${e.breaksCycle}, ${e.primary}, ${e.backupTable}, ${e.initialStatus});
</#list>
    COMMIT;
END;
/
