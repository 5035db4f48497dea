<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${job.proc('rollback')}" purpose="puts back every row a run purged, root to leaves, after a complete or a partial purge"/>
<#if job.backup>
--
-- One transaction: every row goes back, the references of the restored rows are checked, and the run is marked
-- 'rolled back', all committed together. If anything fails, all of it is undone, the run keeps the status it had,
-- and the error is logged (declutter.log, run.last_error) and raised: a rollback is never left half done, and is
-- simply called again once the cause is fixed. CALL it outside a transaction block (it commits at its end). Rows
-- still present are skipped; identity values are restored as they were; generated columns are recomputed by the
-- database; sequences feeding restored columns move forward past the restored values (framework/sequence.sql).
--
-- A restore puts back exactly the rows that were backed up and nothing else, as pg_restore --disable-triggers does:
-- for this transaction only (set_config(..., true), like SET LOCAL), session_replication_role = replica, so the
-- application's triggers and rules do not fire (an AFTER INSERT trigger would derive a row the backup already holds,
-- a BEFORE INSERT guard could refuse a row). Triggers and rules set to ENABLE ALWAYS or ENABLE REPLICA still fire:
-- `declutter plan` lists them. Replica mode also skips the foreign-key triggers, so the references of every row the
-- rollback wrote are checked before it commits (framework/check_references.sql): a restored row whose referenced
-- row was deleted since the purge fails the rollback, which is then undone. Setting session_replication_role needs
-- superuser, or on PostgreSQL 15 and later the SET privilege on it (GRANT SET ON PARAMETER session_replication_role
-- TO <role>); without it the rollback stops with that error before it changes anything. It takes no lock beyond the
-- ROW EXCLUSIVE of its inserts and updates (no ALTER TABLE): the application keeps writing, its triggers firing for
-- its own rows, while the rollback runs.
--
-- The work is a function (${job.proc('rollback_unit')}) and the procedure below only commits:
-- roles.sql can then run the function with its owner's rights (SECURITY DEFINER, docs/roles.md), which PostgreSQL
-- refuses for a procedure that commits. The function records a failure in the log and hands it back; the procedure
-- commits that record and raises the error.
CREATE OR REPLACE FUNCTION ${job.proc('rollback_unit')}(p_run bigint, OUT o_state text, OUT o_doing text,
                                                       OUT o_message text, OUT o_detail text, OUT o_hint text)
LANGUAGE plpgsql
AS ${tags.fn}
-- Every name this body writes unqualified is one of its own variables; columns of the purged tables (which may be
-- called found, p_run, ...) are always written with their table's alias.
#variable_conflict use_variable
DECLARE
    v_rows    bigint;
    v_started timestamptz;
    v_begun   timestamptz := clock_timestamp();
    v_doing   text;  -- the step under way: variables keep their values when the block's work is undone
    v_state   text;
    v_message text;
    v_detail  text;
    v_hint    text;
BEGIN
    -- FOR UPDATE waits for a purge unit in progress and holds the run until this rollback commits or is undone; the
    -- step procedure then refuses to continue.
    SELECT r.status INTO v_state FROM ${job.schema}.run AS r WHERE r.run_id = p_run AND r.job = ${job.nameLiteral} FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'declutter: run % of job % does not exist', p_run, ${job.nameLiteral}
            USING HINT = 'See the runs with: SELECT * FROM ${job.schema}.run WHERE job = ''${job.name}''';
    END IF;
    -- An expired run's backup rows are gone (docs/archive.md#expiry): restoring nothing is not a rollback.
    IF v_state = 'expired' THEN
        RAISE EXCEPTION 'declutter: the backup of run % of job % has expired and is no longer in the database; archives of'
                        ' the run: %', p_run, ${job.nameLiteral},
                        coalesce((SELECT string_agg(a.location, ', ' ORDER BY a.archive_id)
                                    FROM ${job.schema}.archive AS a WHERE a.run_id = p_run), 'none recorded')
            USING HINT = 'Restore from an archive: declutter rollback --run ' || p_run || ' --from DIR';
    END IF;
    v_state := NULL;
    BEGIN
        PERFORM set_config('session_replication_role', 'replica', true);
    EXCEPTION
        WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'declutter: role % may not set session_replication_role, which rollback of run % needs so '
                            'that the application''s triggers and rules do not fire while the backed-up rows go back',
                            current_user, p_run
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Nothing was changed. Roll back as a superuser, or (PostgreSQL 15 and later) grant it: '
                             'GRANT SET ON PARAMETER session_replication_role TO ' || quote_ident(current_user) || ';';
    END;

    BEGIN
        v_doing := 'begin';
        UPDATE ${job.schema}.run SET status = 'rolling back', pause_requested = false WHERE run_id = p_run;
<#if job.triggers.watched()>
        -- A run rolled back before its end: count what the kept DELETE triggers wrote outside the closure so far
        -- (job/triggers.sql; rows these restores write are not counted, the triggers do not fire for them).
        PERFORM ${job.proc('trigger_effect')}(p_run, true);
</#if>
        INSERT INTO ${job.schema}.log (run_id, action, started_at, message)
        VALUES (p_run, 'begin', v_begun, 'rollback');
<#list job.restoreOrder() as t>

        -- ${lib.line(t.display)} (height ${t.height})<#if t.unit??>, deferred unit ${t.unit.id}: its DEFERRABLE foreign keys need no
        -- deferring here, as the foreign-key triggers are off and the references are checked once everything is back</#if>
        v_doing := ${job.literal("restore " + t.display)};
        v_started := clock_timestamp();
        PERFORM set_config('lock_timeout', '${job.lockTimeoutMs}ms', true);
<#if t.rowIdentity>
        -- No key (docs/design.md#tables-without-a-key): every backed-up row goes back once, duplicates as they were;
        -- the backup holds exactly the rows the purge deleted, none of which can be present.
        INSERT INTO ${t.table} (${t.writableList("")})<#if t.overridingSystemValue> OVERRIDING SYSTEM VALUE</#if>
        SELECT ${t.backupSelect("b")}
          FROM ${t.backup} AS b
         WHERE b.declutter_run = p_run;
<#else>
        INSERT INTO ${t.table} (${t.writableList("")})<#if t.overridingSystemValue> OVERRIDING SYSTEM VALUE</#if>
        SELECT ${t.backupSelect("b")}
          FROM ${t.backup} AS b
         WHERE b.declutter_run = p_run
           AND NOT EXISTS (SELECT 1 FROM ${t.table} AS t WHERE ${t.keyMatch("t", "b")});
</#if>
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
</#list>
<#list job.detaches as d>

        -- Re-attach ${lib.line(d.childDisplay)} through ${lib.line(d.constraint)}: rows a partial purge detached and did not delete.
        v_doing := ${job.literal("re-attach " + d.childDisplay)};
        UPDATE ${d.childTable} AS t
           SET ${d.restoreSet}
          FROM ${d.childBackup} AS b
         WHERE b.declutter_run = p_run AND ${d.keyMatch("t", "b")}
           AND ${d.childIsNull} AND ${d.backupHasRef};
</#list>
<#list job.nullifies as n>

        -- Edge ${n.edgeId}: ${lib.line(n.description)}: write back the values the database reset.
        v_doing := ${job.literal("restore values of " + n.childDisplay)};
        v_started := clock_timestamp();
<#if n.keyMoves()>
        -- The key of ${lib.line(n.childDisplay)} holds a re-pointed column: each row is found through the kept row its
        -- duplicate maps to, now that the duplicates are back (docs/design.md#re-pointing).
        UPDATE ${n.childTable} AS t
           SET ${n.restoreSet()}
          FROM ${n.backup} AS b, (${n.mapFor("1 = 1")}) AS m
         WHERE b.declutter_run = p_run AND ${n.movedKeyMatch("t", "b", "m")}
           AND ${n.restoreWhen()};
<#else>
        UPDATE ${n.childTable} AS t
           SET ${n.restoreSet()}
          FROM ${n.backup} AS b
         WHERE b.declutter_run = p_run AND ${n.keyMatch("t", "b")}
           AND ${n.restoreWhen()};
</#if>
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        PERFORM ${job.schema}.note_restore(p_run, ${n.edgeId}, ${job.literal(n.childDisplay)}, v_rows, v_started);
</#list>

        -- Every row written above still references rows that exist (the foreign-key triggers did not check it).
<#list job.restoreOrder() as t>
        v_doing := ${job.literal("check references of " + t.display)};
<#if job.orphanKey?has_content && t.display == job.rootDisplay>
        -- Its rows were orphans of ${lib.line(job.orphanKey)} when they were purged: they go back as they were.
        PERFORM ${job.schema}.check_references(p_run, ${job.schema}.relation_of(NULL::${t.table}),
                                               ${job.schema}.relation_of(NULL::${t.backup}),
                                               ${job.literal(job.orphanKey)});
<#else>
        PERFORM ${job.schema}.check_references(p_run, ${job.schema}.relation_of(NULL::${t.table}),
                                               ${job.schema}.relation_of(NULL::${t.backup}));
</#if>
</#list>
<#list job.nullifies as n>
        v_doing := ${job.literal("check references of " + n.childDisplay)};
        PERFORM ${job.schema}.check_references(p_run, ${job.schema}.relation_of(NULL::${n.childTable}),
                                               ${job.schema}.relation_of(NULL::${n.backup}));
</#list>

        PERFORM ${job.schema}.finish_run(p_run, 'rolled back');
    EXCEPTION
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    END;
    IF v_state IS NOT NULL THEN
        -- Everything the block did is undone and the run keeps its status; the error is recorded and handed back.
        UPDATE ${job.schema}.run SET last_error = 'rollback (' || v_doing || '): ' || v_message WHERE run_id = p_run;
        INSERT INTO ${job.schema}.log (run_id, action, started_at, message)
        VALUES (p_run, 'error', v_begun, 'rollback (' || v_doing || '), undone: ' || v_message);
    END IF;
    o_state := v_state;
    o_doing := v_doing;
    o_message := v_message;
    o_detail := v_detail;
    o_hint := v_hint;
END
${tags.fn};

CREATE OR REPLACE PROCEDURE ${job.proc('rollback')}(p_run bigint)
LANGUAGE plpgsql
AS ${tags.proc}
DECLARE
    v_result record;
BEGIN
    SELECT r.o_state, r.o_doing, r.o_message, r.o_detail, r.o_hint INTO v_result
      FROM ${job.proc('rollback_unit')}(p_run) AS r;
    IF v_result.o_state IS NOT NULL THEN
        -- The rows went back not at all, and the failure is recorded: commit the record, then raise the error.
        COMMIT;
        RAISE EXCEPTION 'declutter: rollback of run % failed at % and was undone, nothing changed: %', p_run,
                        v_result.o_doing, v_result.o_message
            USING ERRCODE = v_result.o_state, DETAIL = v_result.o_detail,
                  HINT = coalesce(nullif(v_result.o_hint, '') || ' ', '') || 'Fix the cause and call rollback again.';
    END IF;
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
