<#import "../lib.ftl" as lib>
<@lib.header object="control rows of job ${job.name}" purpose="the purge closure of the job: one row per foreign-key edge, with depth, height and strategy"/>
DO ${tags.block}
BEGIN
    -- Replacing the edges of a job in the middle of a run would orphan its progress.
    IF EXISTS (SELECT 1 FROM ${job.schema}.run WHERE job = ${job.nameLiteral} AND status IN ('running', 'failed')) THEN
        RAISE EXCEPTION 'declutter: job % has an unfinished run', ${job.nameLiteral}
            USING HINT = 'Let it finish (declutter run) or roll it back (declutter rollback) before deploying a new version.';
    END IF;
    DELETE FROM ${job.schema}.control WHERE job = ${job.nameLiteral};
END
${tags.block};

INSERT INTO ${job.schema}.control
    (job, edge_id, parent_edge_id, constraint_name, parent_table, child_table, parent_columns, child_columns,
     on_delete, strategy, depth, height, cycle_group, breaks_cycle, is_primary, backup_table, status)
VALUES
<#list job.edges as e>
    (${job.nameLiteral}, ${e.id}, ${e.parentEdgeId}, ${e.constraint}, ${e.parentTable}, ${e.childTable},
     ${e.parentColumns}, ${e.childColumns}, ${e.onDelete}, ${e.strategy}, ${e.depth}, ${e.height}, ${e.cycleGroup},
     ${e.breaksCycle?c}, ${e.primary?c}, ${e.backupTable}, ${e.initialStatus})<#sep>,</#sep>
</#list>;
