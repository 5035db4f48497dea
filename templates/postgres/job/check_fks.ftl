<#import "../lib.ftl" as lib>
<@lib.header object="function ${job.proc('check_fks')}" purpose="refuses a delete when a foreign key the plan does not know acts on a purged table"/>
--
-- A foreign key the plan does not know could delete or change rows without a backup (an ON DELETE CASCADE into a
-- table the closure never reached, say through a key that references one partition), or make a batch fail half
-- way. Before the first delete batch of every start or resume, the step procedure calls this function: it reads
-- the catalog for every foreign key whose referenced table is a purged table or any partition of one (at any
-- level), takes the constraint it was cloned from when it is a partition's copy, and raises an error naming each
-- one that is not an edge of the plan (followed, nulled or skipped), so the run stops before anything is deleted.
-- Plan, generate and deploy the job again to take a new foreign key into account (docs/design.md#invariants).
<#if job.foreignKeyCheck.defaults?has_content || job.foreignKeyCheck.resetChecks?has_content>
--
-- Then it looks for a child row of an ON DELETE SET NULL / SET DEFAULT edge, referencing a row of this run, whose
-- reset the database would refuse: the key the defaults give it is not in the parent, or only in a row this run
-- purges; or a CHECK constraint of the child fails on the row once reset (evaluated over the row with the reset
-- columns replaced). The parent's delete would fail on such a row half way through the run; it fails here
-- instead, before anything is deleted (docs/design.md#set-null-and-set-default).
</#if>
<#if job.foreignKeyCheck.blocking?has_content>
--
-- And for a row of an excluded table that references a row of this run through a NO ACTION or RESTRICT key (a
-- blocking edge, reported by plan): the parent's delete would fail on it half way through the run; it fails here
-- instead, before anything is deleted (docs/design.md#foreign-key-check-before-the-first-delete).
</#if>
DROP FUNCTION IF EXISTS ${job.proc('check_fks')}();
CREATE OR REPLACE FUNCTION ${job.proc('check_fks')}(p_run bigint)
RETURNS void
LANGUAGE plpgsql
STABLE
AS ${tags.fn}
#variable_conflict use_column
<<check_fks>>
DECLARE
    -- A CHECK expression evaluated below may name a column like a variable of this function (p_run, v_unknown):
    -- unqualified names are columns, and the function's own variable is used qualified (check_fks.v_run).
    v_run CONSTANT bigint := p_run;
    v_unknown text;
BEGIN
    WITH RECURSIVE purged AS (
        SELECT p.relid
          FROM unnest(ARRAY[
<#list job.foreignKeyCheck.purgedTables as t>
                   ${t}<#sep>,</#sep>
</#list>
               ]) AS t(relid)
         -- the table itself, and every partition of it (pg_partition_tree lists nothing for a plain table)
         CROSS JOIN LATERAL (SELECT t.relid UNION SELECT relid FROM pg_partition_tree(t.relid)) AS p
    ), origin AS (
        -- each foreign key acting on a purged relation, followed up to the constraint it was cloned from
        SELECT c.oid, c.conparentid
          FROM pg_constraint AS c
         WHERE c.contype = 'f' AND c.confrelid IN (SELECT relid FROM purged)
        UNION
        SELECT c.oid, c.conparentid
          FROM origin AS o
          JOIN pg_constraint AS c ON c.oid = o.conparentid
    ), known (child, constraint_name) AS (
<#if job.foreignKeyCheck.known?has_content>
        VALUES
<#list job.foreignKeyCheck.known as k>
            (${k.childTable}, ${k.constraint}::name)<#sep>,</#sep>
</#list>
<#else>
        SELECT NULL::regclass, NULL::name WHERE false
</#if>
    )
    SELECT string_agg(format('%s on %s (references %s)', c.conname, c.conrelid::regclass, c.confrelid::regclass),
                      '; ' ORDER BY c.conrelid::regclass::text, c.conname)
      INTO v_unknown
      FROM origin AS o
      JOIN pg_constraint AS c ON c.oid = o.oid
     WHERE o.conparentid = 0
       AND NOT EXISTS (SELECT 1 FROM known AS k WHERE k.child = c.conrelid AND k.constraint_name = c.conname);
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'declutter: job % will not delete: foreign keys that its plan does not know act on purged tables: %',
            ${job.nameLiteral}, v_unknown
            USING HINT = 'Nothing was deleted. Roll this run back (declutter rollback), then plan, generate and deploy '
                         'the job again so that its plan follows them, or drop the foreign keys that should not be there.';
    END IF;
<#list job.foreignKeyCheck.defaults as d>
    -- ${lib.line(d.description)}
    IF EXISTS (SELECT 1 FROM ${d.childTable} AS c
                WHERE EXISTS (SELECT 1 FROM ${d.parentBackup} AS p WHERE p.declutter_run = check_fks.v_run AND ${d.parentMatch})
                  AND ${d.checked}
                  AND NOT EXISTS (SELECT 1 FROM ${d.parentTable} AS x
                                   WHERE ${d.target}
                                     AND NOT EXISTS (SELECT 1 FROM ${d.parentBackup} AS b
                                                      WHERE b.declutter_run = check_fks.v_run AND ${d.backedUp}))) THEN
        RAISE EXCEPTION 'declutter: job % will not delete: %: the key its defaults give to the rows it resets is not in the parent table, or only in rows this run purges, so the database would refuse the delete',
            ${job.nameLiteral}, ${job.literal(d.description)}
            USING HINT = 'Nothing was deleted. Roll this run back (declutter rollback), then insert the parent row the default '
                         'names, or follow the edge as a delete (an ''edges'' override with strategy delete in the job file) '
                         'and plan, generate and deploy the job again.';
    END IF;
</#list>
<#list job.foreignKeyCheck.blocking as k>
    -- ${lib.line(k.description)}
    IF EXISTS (SELECT 1 FROM ${k.childTable} AS c
                WHERE EXISTS (SELECT 1 FROM ${k.parentBackup} AS p WHERE p.declutter_run = check_fks.v_run AND ${k.parentMatch})) THEN
        RAISE EXCEPTION 'declutter: job % will not delete: %: rows of that table reference rows this run purges, so the database would refuse the delete',
            ${job.nameLiteral}, ${job.literal(k.description)}
            USING HINT = 'Nothing was deleted. Delete or re-point those rows, then run again to resume; or remove the table from '
                         '''exclude'' so that the purge follows the edge, and plan, generate and deploy the job again.';
    END IF;
</#list>
<#list job.foreignKeyCheck.resetChecks as k>
    -- ${lib.line(k.description)}
    IF EXISTS (SELECT 1 FROM ${k.childTable} AS c
                WHERE EXISTS (SELECT 1 FROM ${k.parentBackup} AS p WHERE p.declutter_run = check_fks.v_run AND ${k.parentMatch})
                  AND (SELECT ${k.expression}
                         FROM (SELECT ${k.resetRow}) AS reset_row) IS FALSE) THEN
        RAISE EXCEPTION 'declutter: job % will not delete: %: the rows the database resets would fail the CHECK constraint, so it would refuse the delete',
            ${job.nameLiteral}, ${job.literal(k.description)}
            USING HINT = 'Nothing was deleted. Roll this run back (declutter rollback), then follow the edge as a delete (an '
                         '''edges'' override with strategy delete in the job file) and plan, generate and deploy the job again.';
    END IF;
</#list>
END
${tags.fn};
