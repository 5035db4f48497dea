<#import "../lib.ftl" as lib>
<@lib.header object="function ${job.proc('verify')}" purpose="per table of the closure: backup rows of a run, how many are still present or gone, and orphans left pointing at purged rows"/>
CREATE OR REPLACE FUNCTION ${job.proc('verify')}(p_run bigint)
RETURNS TABLE (table_name text, height integer, backup_rows bigint, present_rows bigint, deleted_rows bigint,
               orphan_rows bigint)
LANGUAGE plpgsql
STABLE
AS ${tags.fn}
-- Every name this body writes unqualified is one of its own variables; columns of the purged tables (which may be
-- called found, p_run, ...) are always written with their table's alias.
#variable_conflict use_variable
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ${job.schema}.run AS r WHERE r.run_id = p_run AND r.job = ${job.nameLiteral}) THEN
        RAISE EXCEPTION 'declutter: run % of job % does not exist', p_run, ${job.nameLiteral};
    END IF;
    RETURN QUERY
<#list job.tables as t>
    SELECT ${job.literal(t.display)}::text, ${t.height},
           count(b.declutter_seq)::bigint,
           count(t.${t.key[0]})::bigint,
           (count(b.declutter_seq) - count(t.${t.key[0]}))::bigint,
<#assign incoming = job.incoming(t)>
<#if incoming?has_content>
           (0<#list incoming as s>
            + (SELECT count(*) FROM ${t.table} AS c
                WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
                               WHERE p.declutter_run = p_run AND ${s.parentMatch}
                                 AND NOT EXISTS (SELECT 1 FROM ${s.parent.table} AS x WHERE ${s.parent.keyMatch("x", "p")})))</#list>)::bigint
<#else>
           0::bigint
</#if>
      FROM ${t.backup} AS b
      LEFT JOIN ${t.table} AS t ON ${t.keyMatch("t", "b")}
     WHERE b.declutter_run = p_run<#sep>
    UNION ALL</#sep>
</#list>;
END
${tags.fn};
