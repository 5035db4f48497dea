<#import "../lib.ftl" as lib>
<#-- The calls of the procedures of finished tables' late rows (catch-up from them, or their delete), in the order of
     the list, each made only when this batch caught up rows into that table (v_late, which the calls add to); through
     ${job.proc('late')}, which calls the one of the progress edge it is given, so that the list is edge numbers
     rather than a block per table (docs/benchmark.md#wide). An error a call hands back is raised again here, with
     where it happened. With count, the rows it caught up are added to the round's (v_round). -->
<#macro callLate tables delete indent count=false>
<#if tables?has_content>
${indent}FOREACH v_next IN ARRAY ARRAY[
<#list tables?chunk(16) as row>
${indent}        <#list row as d>${d.primaryEdge?c}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
${indent}    ] LOOP
${indent}    IF v_next = ANY (v_late) THEN
${indent}        CALL ${job.proc('late')}(v_next, p_run, v_started, ${delete?c}, v_late, v_rows, v_edge, v_table, v_action, v_state, v_message);
${indent}        IF v_state IS NOT NULL THEN
${indent}            RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message;
${indent}        END IF;
<#if count>
${indent}        v_round := v_round + v_rows;
</#if>
${indent}    END IF;
${indent}END LOOP;
</#if>
</#macro>
<#-- The careful path (lock, catch-up, caught-up deletes), explained in the header of step.sql; ends with v_edge,
     v_table and v_action set for the batch. -->
<#macro carefulPath t>
        -- Careful path: lock the batch, catch up the rows inserted since the cache, delete those caught up below.
<#if t.childrenFirst>
        SELECT max(b.declutter_seq) INTO v_mark FROM ${t.backup} AS b WHERE b.declutter_run = p_run;
</#if>
        v_action := 'lock';
        PERFORM 1
           FROM ${t.table} AS t
           JOIN ${t.backup} AS b ON ${t.keyMatch("t", "b")}
          WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper
            FOR UPDATE OF t;
<#if t.lateRepeats>
        -- Repeated until a round finds nothing new (a cycle or a tree below).
        LOOP
        v_round := 0;
</#if>
<#list t.catchUp?filter(s -> s.fromBatch) as s>
        v_edge := ${s.edgeId};
        v_table := ${job.literal(s.child.display)};
<#if s.child.rowIdentity>
        -- ${lib.line(s.child.display)} has no key: its rows referencing the batch are deleted as they are backed up.
        v_action := 'catch-up delete';
<@lib.purgeByRow child=s.child parentBackup=s.parent.backup parentMatch=s.parentMatch parentRows=(t.childrenFirst?then("(", "") + "p.declutter_seq > v_wm AND p.declutter_seq <= v_upper" + t.childrenFirst?then(" OR p.declutter_seq > v_mark)", "")) indent="        "/>
        IF v_rows > 0 THEN
            PERFORM ${job.schema}.note_catchup(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
            PERFORM ${job.schema}.note_catchup(p_run, ${s.child.primaryEdge}, v_table, 0, v_rows, v_started);
            v_late := v_late || ${s.child.primaryEdge};
        END IF;
<#continue>
</#if>
        v_action := 'catch-up';
<#if s.selfLoop>
        LOOP -- late rows of the tree, and their late children, until none is left
</#if>
        INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
        SELECT p_run, ${s.child.columnList("c")}
          FROM ${s.child.table} AS c
         WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
                        WHERE p.declutter_run = p_run AND <#if t.childrenFirst>(</#if>p.declutter_seq > v_wm AND p.declutter_seq <= v_upper<#if t.childrenFirst> OR p.declutter_seq > v_mark)</#if>
                          AND ${s.parentMatch})
           FOR UPDATE OF c
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows > 0 THEN
            PERFORM ${job.schema}.note_catchup(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
            v_late := v_late || ${s.child.primaryEdge};
        END IF;
<#if t.lateRepeats>
        v_round := v_round + v_rows;
</#if>
<#if s.selfLoop>
        EXIT WHEN v_rows = 0;
        END LOOP;
</#if>
</#list>
<@callLate tables=t.lateTables delete=false indent="        " count=t.lateRepeats/>
<#if t.lateRepeats>
        EXIT WHEN v_round = 0;
        END LOOP;
</#if>
<#list t.catchUpNullifies?filter(u -> u.fromBatch) as u>
        v_edge := ${u.edge.edgeId};
        v_table := ${job.literal(u.edge.childDisplay)};
        v_action := 'catch-up';
        INSERT INTO ${u.edge.backup} (declutter_run, ${u.edge.storedList("")})
        SELECT p_run, ${u.edge.storedList("c")}
          FROM ${u.edge.childTable} AS c
         WHERE EXISTS (SELECT 1 FROM ${u.parent.backup} AS p
                        WHERE p.declutter_run = p_run AND p.declutter_seq > v_wm AND p.declutter_seq <= v_upper
                          AND ${u.edge.parentMatch})
           FOR UPDATE OF c
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows > 0 THEN
            PERFORM ${job.schema}.note_catchup(p_run, ${u.edge.edgeId}, v_table, NULL, v_rows, v_started);
        END IF;
<#if u.edge.writes()>
        v_action := '${u.edge.repoint?then("re-point", "set null")}';
<@lib.logicalReset n=u.edge parentBackup=u.parent.backup parentRows="p.declutter_seq > v_wm AND p.declutter_seq <= v_upper" indent="        "/>
</#if>
</#list>
<#if t.deferCatchUp?has_content>
        -- Rows of a deferred unit among them: its constraints deferred meanwhile.
        SET CONSTRAINTS ${t.deferCatchUp} DEFERRED;
</#if>
<@callLate tables=t.catchUpDeletes delete=true indent="        "/>
<#if t.deferCatchUp?has_content>
        SET CONSTRAINTS ${t.deferCatchUp} IMMEDIATE;
</#if>
<#if t.childrenFirst>
        -- Late rows of this tree caught up above go now, before their parents in the batch.
        v_edge := ${t.primaryEdge};
        v_table := ${job.literal(t.display)};
        v_action := 'catch-up delete';
        DELETE FROM ${t.table} AS t
         USING ${t.backup} AS b
         WHERE b.declutter_run = p_run AND b.declutter_seq > v_mark AND ${t.keyMatch("t", "b")};
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows > 0 THEN
            PERFORM ${job.schema}.note_catchup(p_run, ${t.primaryEdge}, v_table, v_wm, v_rows, v_started);
        END IF;
</#if>
        v_edge := ${t.primaryEdge};
        v_table := ${job.literal(t.display)};
        v_action := 'delete';
</#macro>
<#macro batchDelete t indent>
${indent}DELETE FROM ${t.table} AS t
${indent} USING ${t.backup} AS b
${indent} WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper
${indent}   AND ${t.keyMatch("t", "b")};
${indent}GET DIAGNOSTICS v_rows = ROW_COUNT;
</#macro>
<#include "delete_unit.ftl">
<#assign careful = (t.catchUp?has_content || t.catchUpNullifies?has_content)>
<@lib.header object="procedure ${job.deleteProc(t)}" purpose="one delete batch of ${t.display}${careful?then(' with its catch-up', '')}; called by ${job.proc('step')}"/>
--
-- Table:    ${lib.line(t.display)} (height ${t.height}), progress on edge ${t.primaryEdge}, backup ${t.backup}
<#if t.unit??>
-- Deferred unit ${t.unit.id}: <#list t.unit.tables as m>${lib.line(m.display)}<#sep>, </#sep></#list>
</#if>
<#if t.catchUp?filter(s -> s.fromBatch)?has_content>
-- Catch-up from the batch: <#list t.catchUp?filter(s -> s.fromBatch) as s>edge ${s.edgeId}<#sep>, </#sep></#list>
</#if>
<#if t.catchUpNullifies?filter(u -> u.fromBatch)?has_content>
-- SET NULL records from the batch: <#list t.catchUpNullifies?filter(u -> u.fromBatch) as u>edge ${u.edge.edgeId}<#sep>, </#sep></#list>
</#if>
<#if t.lateTables?has_content>
-- Then the late rows of the finished tables below (caught up, then deleted), each in its own procedure, called
-- through ${job.proc('late')} by progress edge (in brackets):
<#list t.lateTables?chunk(5) as row>
--   <#list row as d>${lib.line(d.display)} (${d.primaryEdge?c})<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
<#if t.lateRepeats>
-- The catch-up is repeated until a round finds nothing new.
</#if>
</#if>
<#if t.detaches?has_content>
-- Detached before each batch: <#list t.detaches as d>edge ${d.edgeId}<#sep>, </#sep></#list>
</#if>
<#if t.childrenFirst>
-- A tree through a NOT NULL self-reference: deleted children first.
</#if>
<#if t.rowIdentity>
<#assign rp = job.incoming(t)?filter(s -> s.edgeId == t.primaryEdge)?first>
-- Path: by row identity (no key, docs/design.md#tables-without-a-key). A batch is the next p_max_rows backup rows
-- of ${lib.line(rp.parent.display)} (edge ${t.primaryEdge}) after the watermark, which counts that backup's sequence here: the
-- ${lib.line(t.display)} rows referencing them are deleted and backed up in one statement. Rows referencing purged
-- rows through another edge, or inserted later, go the same way in the batches of their parents.
<#elseif t.unit??>
-- Path: deferred unit (each batch grows into the set of the unit's rows connected to it).
<#elseif t.optimisticDelete>
-- Path: fast path first, the careful path when the delete fails on a foreign key.
<#elseif careful>
-- Path: careful path (lock, catch-up, delete).
<#else>
-- Path: plain delete (nothing references this table's rows).
</#if>
-- How each of these works is explained once, in the header of ${job.name}/step.sql.
CREATE OR REPLACE PROCEDURE ${job.deleteProc(t)}(
    p_run            bigint,
    p_max_rows       integer,
    p_started        timestamptz,
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
    v_upper   bigint;
    v_rows    bigint;
    v_round   bigint;
    v_mark    bigint;
    v_late    integer[] := '{}'; -- progress edges of the tables this batch caught up rows into
    v_next    integer;
    v_edge    integer := ${t.primaryEdge};
    v_table   text := ${job.literal(t.display)};
    v_action  text := 'delete';
    v_started timestamptz := p_started;
    v_state   text;
    v_message text;
BEGIN
    p_rows := 0;
    p_sqlstate := NULL;
    p_message := NULL;
<#if t.unit??>
<@unitBatch t=t/>
<#elseif t.rowIdentity>
    SELECT watermark INTO v_wm FROM ${job.schema}.control
     WHERE run_id = p_run AND edge_id = ${t.primaryEdge};
    SELECT max(s.declutter_seq) INTO v_upper
      FROM (SELECT p.declutter_seq FROM ${rp.parent.backup} AS p
             WHERE p.declutter_run = p_run AND p.declutter_seq > v_wm
             ORDER BY p.declutter_seq
             LIMIT p_max_rows) AS s;
    v_rows := 0;
    IF v_upper IS NOT NULL THEN
<@lib.purgeByRow child=t parentBackup=rp.parent.backup parentMatch=rp.parentMatch parentRows="p.declutter_seq > v_wm AND p.declutter_seq <= v_upper" indent="        "/>
        -- Never cached: the rows count as cached when they are backed up.
        PERFORM ${job.schema}.note_catchup(p_run, ${t.primaryEdge}, v_table, NULL, v_rows, v_started);
    END IF;
    PERFORM ${job.schema}.note_delete(p_run, ${t.primaryEdge}, v_table, v_upper, v_rows, v_started);
    p_rows := v_rows;
<#else>
    SELECT watermark INTO v_wm FROM ${job.schema}.control
     WHERE run_id = p_run AND edge_id = ${t.primaryEdge};
    -- The batch: the next p_max_rows backup rows after the watermark.
    SELECT max(s.declutter_seq) INTO v_upper
      FROM (SELECT b.declutter_seq FROM ${t.backup} AS b
             WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm
             ORDER BY b.declutter_seq
             LIMIT p_max_rows) AS s;
<#if careful && !t.optimisticDelete>
    IF v_upper IS NOT NULL THEN
<@carefulPath t=t/>
    END IF;
</#if>
<#list t.detaches as d>
    -- Detach (edge ${d.edgeId}, ${lib.line(d.constraint)}): purged ${lib.line(d.childDisplay)} rows<#if d.selfReference> outside this batch</#if> that point into it.
    UPDATE ${d.childTable} AS c
       SET ${d.setNull}
      FROM ${t.backup} AS b
     WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper
       AND ${d.refMatch}
       AND EXISTS (SELECT 1 FROM ${d.childBackup} AS k
                    WHERE k.declutter_run = p_run AND ${d.keyMatch("k", "c")}<#if d.selfReference> AND k.declutter_seq > v_upper</#if>);
</#list>
<#if t.optimisticDelete>
    -- Fast path: the delete alone; a foreign key violation (a row arrived since the cache) takes the careful path.
    BEGIN
<@batchDelete t=t indent="        "/>
    EXCEPTION WHEN foreign_key_violation THEN
<@carefulPath t=t/>
<@batchDelete t=t indent="        "/>
    END;
<#else>
<@batchDelete t=t indent="    "/>
</#if>
    PERFORM ${job.schema}.note_delete(p_run, ${t.primaryEdge}, v_table, v_upper, v_rows, v_started);
    p_rows := v_rows;
</#if>
EXCEPTION
    WHEN OTHERS OR query_canceled THEN
        -- This batch is rolled back; ${job.proc('step')} raises the error again and records it with where it
        -- happened.
        GET STACKED DIAGNOSTICS p_sqlstate = RETURNED_SQLSTATE, p_message = MESSAGE_TEXT;
        p_edge := v_edge;
        p_table := v_table;
        p_action := v_action;
        p_rows := 0;
END
${tags.proc};
