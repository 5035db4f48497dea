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
<#assign incoming = job.incoming(t)>
<#if t.rowIdentity>
    -- ${lib.line(t.display)} has no key (docs/design.md#tables-without-a-key): present rows are counted as a multiset, each
    -- distinct backed-up row at most as often as the backup holds it, among the rows referencing the run's purged
    -- parents (a row equal to a backed-up one references the same parent). Rows compare by their text form.
    SELECT ${job.literal(t.display)}::text, ${t.height}, m.backup_rows, m.present_rows,
           (m.backup_rows - m.present_rows)::bigint,
           (0<#list incoming as s>
            + (SELECT count(*) FROM ${t.table} AS c
                WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
                               WHERE p.declutter_run = p_run AND ${s.parentMatch}
                                 AND NOT EXISTS (SELECT 1 FROM ${s.parent.table} AS x WHERE ${s.parent.keyMatch("x", "p")})))</#list>)::bigint
      FROM (SELECT COALESCE(sum(g.n), 0)::bigint AS backup_rows,
                   COALESCE(sum(LEAST(g.n, COALESCE(l.n, 0))), 0)::bigint AS present_rows
              FROM (SELECT ROW(${t.columnList("b")})::text AS r, count(*) AS n
                      FROM ${t.backup} AS b WHERE b.declutter_run = p_run GROUP BY 1) AS g
              LEFT JOIN (SELECT ROW(${t.columnList("c")})::text AS r, count(*) AS n
                           FROM ${t.table} AS c
                          WHERE <#list incoming as s>EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
                                        WHERE p.declutter_run = p_run AND ${s.parentMatch})<#sep>
                             OR </#sep></#list>
                          GROUP BY 1) AS l ON l.r = g.r) AS m<#sep>
    UNION ALL</#sep>
<#continue>
</#if>
    SELECT ${job.literal(t.display)}::text, ${t.height},
           count(b.declutter_seq)::bigint,
           count(t.${t.key[0]})::bigint,
           (count(b.declutter_seq) - count(t.${t.key[0]}))::bigint,
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
