<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${job.proc('rollback')}" purpose="puts back every row a run purged, root to leaves, after a complete or a partial purge"/>
--
-- CALL it outside a transaction block (it commits per table). Rows still present are skipped, so it can be
<#if job.backup>
-- called again after an interruption. Identity values are restored as they were; generated columns are
-- recomputed by the database. The run ends as 'rolled back' and is never resumed.
CREATE OR REPLACE PROCEDURE ${job.proc('rollback')}(p_run bigint)
LANGUAGE plpgsql
AS ${tags.proc}
-- Every name this body writes unqualified is one of its own variables; columns of the purged tables (which may be
-- called found, p_run, ...) are always written with their table's alias.
#variable_conflict use_variable
DECLARE
    v_rows    bigint;
    v_started timestamptz;
BEGIN
    -- FOR UPDATE waits for a purge unit in progress; the step procedure then refuses to continue.
    PERFORM 1 FROM ${job.schema}.run WHERE run_id = p_run AND job = ${job.nameLiteral} FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'declutter: run % of job % does not exist', p_run, ${job.nameLiteral}
            USING HINT = 'See the runs with: SELECT * FROM ${job.schema}.run WHERE job = ''${job.name}''';
    END IF;
    UPDATE ${job.schema}.run SET status = 'rolling back', pause_requested = false WHERE run_id = p_run;
    INSERT INTO ${job.schema}.log (run_id, action, started_at, message)
    VALUES (p_run, 'begin', clock_timestamp(), 'rollback');
    COMMIT;
<#list job.restoreOrder() as t>

    -- ${lib.line(t.display)} (height ${t.height})
<#if t.unit?? && t.unitOrdinal == t.unit.tables?size>
    -- Deferred unit ${t.unit.id}: its tables reference each other through DEFERRABLE foreign keys, so they are restored
    -- in one transaction with those constraints deferred.
    SET CONSTRAINTS ${t.unit.constraints} DEFERRED;
</#if>
    v_started := clock_timestamp();
    PERFORM set_config('lock_timeout', '${job.lockTimeoutMs}ms', true);
    INSERT INTO ${t.table} (${t.writableList("")})<#if t.overridingSystemValue> OVERRIDING SYSTEM VALUE</#if>
    SELECT ${t.restoreSelect("b")}
      FROM ${t.backup} AS b
     WHERE b.declutter_run = p_run
       AND NOT EXISTS (SELECT 1 FROM ${t.table} AS t WHERE ${t.keyMatch("t", "b")});
    GET DIAGNOSTICS v_rows = ROW_COUNT;
<#list t.sequences as q>
    -- The sequence behind ${lib.line(t.display)}.${lib.line(q.name)} (if any) moves forward past the restored values it could still hand out.
    PERFORM ${job.schema}.advance_sequence(s.seq, r.low, r.high)
       FROM ${job.schema}.column_sequences(${q.table}, ${q.literal}) AS s
      CROSS JOIN LATERAL (SELECT min(b.${q.name}) AS low, max(b.${q.name}) AS high
                            FROM ${t.backup} AS b
                           WHERE b.declutter_run = p_run AND b.${q.name} BETWEEN s.min_value AND s.max_value) AS r;
</#list>
    PERFORM ${job.schema}.note_restore(p_run, ${t.primaryEdge}, ${job.literal(t.display)}, v_rows, v_started);
<#if !t.unit??>
    COMMIT;
<#elseif t.unitOrdinal == 1>
    SET CONSTRAINTS ${t.unit.constraints} IMMEDIATE;
    COMMIT;
</#if>
</#list>
<#list job.detaches as d>

    -- Re-attach ${lib.line(d.childDisplay)} through ${lib.line(d.constraint)} (restored as null above, or detached by a partial purge).
    UPDATE ${d.childTable} AS t
       SET ${d.restoreSet}
      FROM ${d.childBackup} AS b
     WHERE b.declutter_run = p_run AND ${d.keyMatch("t", "b")}
       AND ${d.childIsNull} AND ${d.backupHasRef};
    COMMIT;
</#list>
<#list job.nullifies as n>

    -- Edge ${n.edgeId}: ${lib.line(n.description)}: write back the values the database reset.
    v_started := clock_timestamp();
    UPDATE ${n.childTable} AS t
       SET ${n.restoreSet()}
      FROM ${n.backup} AS b
     WHERE b.declutter_run = p_run AND ${n.keyMatch("t", "b")}
       AND ${n.restoreWhen()};
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    PERFORM ${job.schema}.note_restore(p_run, ${n.edgeId}, ${job.literal(n.childDisplay)}, v_rows, v_started);
    COMMIT;
</#list>

    PERFORM ${job.schema}.finish_run(p_run, 'rolled back');
    COMMIT;
END
${tags.proc};
<#else>
-- This job runs without a backup (backup: false), so its runs cannot be rolled back; the procedure says so.
CREATE OR REPLACE PROCEDURE ${job.proc('rollback')}(p_run bigint)
LANGUAGE plpgsql
AS ${tags.proc}
BEGIN
    RAISE EXCEPTION 'declutter: job % runs without a backup, so run % cannot be rolled back', ${job.nameLiteral}, p_run
        USING HINT = 'Set backup: true in the job file, regenerate and redeploy for future runs.';
END
${tags.proc};
</#if>
