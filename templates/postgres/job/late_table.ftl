<#import "../lib.ftl" as lib>
<#assign d = l.table>
<#macro catchUpDelete d>
        v_edge := ${d.primaryEdge};
        v_table := ${job.literal(d.display)};
<#list d.detaches?filter(x -> !x.selfReference) as x>
        -- Detach (edge ${x.edgeId}, ${lib.line(x.constraint)}): purged ${lib.line(x.childDisplay)} rows that point at the rows caught up in ${lib.line(d.display)}.
        v_action := 'catch-up detach';
        UPDATE ${x.childTable} AS c
           SET ${x.setNull}
          FROM ${d.backup} AS b
         WHERE b.declutter_run = p_run
           AND b.declutter_seq > (SELECT k.watermark FROM ${job.schema}.control AS k
                                   WHERE k.run_id = p_run AND k.edge_id = ${d.primaryEdge})
           AND ${x.refMatch}
           AND EXISTS (SELECT 1 FROM ${x.childBackup} AS k
                        WHERE k.declutter_run = p_run AND ${x.keyMatch("k", "c")});
</#list>
        v_action := 'catch-up delete';
        SELECT max(b.declutter_seq) INTO v_round FROM ${d.backup} AS b WHERE b.declutter_run = p_run;
        DELETE FROM ${d.table} AS t
         USING ${d.backup} AS b
         WHERE b.declutter_run = p_run
           AND b.declutter_seq > (SELECT k.watermark FROM ${job.schema}.control AS k
                                   WHERE k.run_id = p_run AND k.edge_id = ${d.primaryEdge})
           AND ${d.keyMatch("t", "b")};
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows > 0 THEN
            PERFORM ${job.schema}.note_catchup(p_run, ${d.primaryEdge}, v_table, v_round, v_rows, v_started);
        END IF;
</#macro>
<@lib.header object="procedure ${job.lateProc(d)}" purpose="the late rows of ${d.display}: rows inserted since its deletes finished and caught up by a batch of a table above it; called by the delete procedures of those tables"/>
--
-- Table:    ${lib.line(d.display)}, progress on edge ${d.primaryEdge}, backup ${d.backup}
-- Late rows: its backup rows after the watermark of edge ${d.primaryEdge}, which stopped at its last batch.
-- With p_delete false, catches up what references them (each batch that reaches this table calls it, possibly
-- repeatedly until a round finds nothing new: p_rows counts the rows caught up); with p_delete true, once the
-- catch-up is complete, deletes them<#if d.detaches?filter(x -> !x.selfReference)?has_content> after detaching the purged rows that point at them</#if>.
-- p_late: the progress edges of the tables the batch caught up rows into; the catch-up adds those it writes to, so
-- that the batch calls the procedures of those tables only.
-- The catch-up is explained once, in the header of ${job.name}/step.sql.
-- Its earlier form, without p_late, is dropped if an earlier deploy left it, so that one procedure of this name remains.
DROP PROCEDURE IF EXISTS ${job.lateProc(d)}(bigint, timestamptz, boolean, bigint, integer, text, text, text, text);
CREATE OR REPLACE PROCEDURE ${job.lateProc(d)}(
    p_run            bigint,
    p_started        timestamptz,
    p_delete         boolean,
    INOUT p_late     integer[],
    INOUT p_rows     bigint,
    INOUT p_edge     integer,
    INOUT p_table    text,
    INOUT p_action   text,
    INOUT p_sqlstate text,
    INOUT p_message  text)
LANGUAGE plpgsql
AS ${tags.proc}
-- Every name this body writes unqualified is one of its own variables; columns of the purged tables (which may be
-- called found, p_run, ...) are always written with their table's alias.
#variable_conflict use_variable
DECLARE
    v_wm      bigint;
    v_rows    bigint;
    v_round   bigint;
    v_edge    integer := ${d.primaryEdge};
    v_table   text := ${job.literal(d.display)};
    v_action  text := 'catch-up';
    v_started timestamptz := p_started;
BEGIN
    p_rows := 0;
    p_sqlstate := NULL;
    p_message := NULL;
    IF p_delete THEN
<@catchUpDelete d=d/>
        RETURN;
    END IF;
<#if l.catchUp?has_content || l.nullifies?has_content>
    SELECT k.watermark INTO v_wm FROM ${job.schema}.control AS k WHERE k.run_id = p_run AND k.edge_id = ${d.primaryEdge};
</#if>
<#list l.catchUp as s>
    v_edge := ${s.edgeId};
    v_table := ${job.literal(s.child.display)};
    -- ${lib.line(s.description)}
<#if s.child.rowIdentity>
    -- ${lib.line(s.child.display)} has no key: its rows referencing the late rows are deleted as they are backed up.
    v_action := 'catch-up delete';
<@lib.purgeByRow child=s.child parentBackup=d.backup parentMatch=s.parentMatch parentRows="p.declutter_seq > v_wm" indent="    "/>
    IF v_rows > 0 THEN
        PERFORM ${job.schema}.note_catchup(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
        PERFORM ${job.schema}.note_catchup(p_run, ${s.child.primaryEdge}, v_table, 0, v_rows, v_started);
        p_late := p_late || ${s.child.primaryEdge};
    END IF;
    v_action := 'catch-up';
<#continue>
</#if>
    INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
    SELECT p_run, ${s.child.columnList("c")}
      FROM ${s.child.table} AS c
     WHERE EXISTS (SELECT 1 FROM ${d.backup} AS p
                    WHERE p.declutter_run = p_run AND p.declutter_seq > v_wm
                      AND ${s.parentMatch})
       FOR UPDATE OF c
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows > 0 THEN
        PERFORM ${job.schema}.note_catchup(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
        p_late := p_late || ${s.child.primaryEdge};
    END IF;
    p_rows := p_rows + v_rows;
</#list>
<#list l.nullifies as n>
    v_edge := ${n.edgeId};
    v_table := ${job.literal(n.childDisplay)};
    -- ${lib.line(n.description)}
    INSERT INTO ${n.backup} (declutter_run, ${n.storedList("")})
    SELECT p_run, ${n.storedList("c")}
      FROM ${n.childTable} AS c
     WHERE EXISTS (SELECT 1 FROM ${d.backup} AS p
                    WHERE p.declutter_run = p_run AND p.declutter_seq > v_wm
                      AND ${n.parentMatch})
       FOR UPDATE OF c
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows > 0 THEN
        PERFORM ${job.schema}.note_catchup(p_run, ${n.edgeId}, v_table, NULL, v_rows, v_started);
    END IF;
<#if n.writes()>
    -- The late rows are deleted in this same transaction (p_delete): their logical SET NULL children are reset now.
    v_action := 'set null';
<@lib.logicalReset n=n parentBackup=d.backup parentRows="p.declutter_seq > v_wm" indent="    "/>
    v_action := 'catch-up';
</#if>
</#list>
EXCEPTION
    WHEN OTHERS OR query_canceled THEN
        -- Rolled back; the caller raises the error again, with where it happened.
        GET STACKED DIAGNOSTICS p_sqlstate = RETURNED_SQLSTATE, p_message = MESSAGE_TEXT;
        p_edge := v_edge;
        p_table := v_table;
        p_action := v_action;
        p_rows := 0;
END
${tags.proc};
