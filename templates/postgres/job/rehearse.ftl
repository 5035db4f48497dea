<#import "../lib.ftl" as lib>
<#assign rootUnit = job.cacheUnits[0]>
<@lib.header object="function ${job.proc('rehearse')}" purpose="purges a sample of the job's closure inside a subtransaction that is always rolled back, and reports the first statement that fails, so a job fails before anything is committed"/>
--
-- Some failures only the data shows: a guard trigger that refuses to delete one particular row (a default
-- organization), a constraint or a rule that fires on some rows only. A real run meets them in the middle of the
-- purge, after every table below has been deleted and committed. This function meets them first: it runs the
-- production step procedure (${job.proc('step')}: the very statements a run executes, with catch-up, detaches,
-- deferred units and the foreign key check before the first delete) for the closure of up to p_sample root rows
-- (NULL: every matching root row), in this function's own block, and then raises an exception that rolls the block
-- back: the rows deleted, the backup rows, the run row, the control rows and the log rows all disappear, whether the
-- caller commits or not (docs/design.md#rehearsal). Only sequence values (backup numbering, log ids) are consumed.
--
-- The rehearsal works as run 0 (real runs are numbered from 1), so a rehearsal leaves no gap in the run ids. A job
-- with an unfinished run is refused: the control rows carry that run's progress (roll it back or finish it first).
-- The sample is the p_sample matching root rows with the lowest keys (often the oldest rows, such as a default
-- organization)<#if rootUnit.fixpoint>; here the root table is in a
-- cycle, whose rows are cached together to a fixed point, so the rehearsal always covers every matching root row</#if>.
-- Each unit of a run ends in a COMMIT, where deferred constraints are checked: here SET CONSTRAINTS ALL IMMEDIATE
-- after each unit checks them at the same point. The table locks of the deletes (ROW EXCLUSIVE, as any DML takes)
-- stay until the caller's transaction ends (the runner rolls it back at once).
--
-- Returns outcome 'ok' (nothing failed), 'failed' (failed_table, failed_statement and error say where and why) or
-- 'inconclusive' (a lock or statement timeout, a deadlock, or another session working on the job).
--     SELECT * FROM ${job.proc('rehearse')}(100);
CREATE OR REPLACE FUNCTION ${job.proc('rehearse')}(
    p_sample             integer DEFAULT 100,
    p_keys               text[]  DEFAULT NULL,
    OUT outcome          text,
    OUT root_rows        bigint,
    OUT deleted_rows     bigint,
    OUT failed_table     text,
    OUT failed_statement text,
    OUT error            text)
LANGUAGE plpgsql
AS ${tags.fn}
#variable_conflict use_variable
DECLARE
    v_open      bigint;
    v_phase     text;
    v_rows      bigint;
    v_remaining bigint;
    v_state     text;
    v_message   text;
    v_where     text := 'rehearsal set-up';
BEGIN
    IF p_sample IS NOT NULL AND p_sample < 1 THEN
        RAISE EXCEPTION 'declutter: the rehearsal sample must be at least 1 root row, got %', p_sample
            USING HINT = 'Pass NULL to rehearse the closure of every matching root row.';
    END IF;
    SELECT r.run_id INTO v_open FROM ${job.schema}.run AS r
     WHERE r.job = ${job.nameLiteral} AND r.status IN ('running', 'failed');
    IF FOUND THEN
        RAISE EXCEPTION 'declutter: job % has an unfinished run %; a rehearsal is for a new run', ${job.nameLiteral}, v_open
            USING HINT = 'Resume it (declutter run) or roll it back (declutter rollback) first.';
    END IF;
<#if !job.rootPredicate?has_content>
    IF p_keys IS NULL OR array_ndims(p_keys) IS DISTINCT FROM 2 THEN
        RAISE EXCEPTION 'declutter: job % takes its root keys at run time: pass them as a two-dimensional text array, one row per key', ${job.nameLiteral}
            USING HINT = 'For example ARRAY[[''1''], [''2'']]; a composite key gives one element per column.';
    END IF;
</#if>
    outcome := 'ok';
    BEGIN
        -- Run 0, set up as begin_run sets up a new run.
        INSERT INTO ${job.schema}.run (run_id, job, batch_size) OVERRIDING SYSTEM VALUE
        VALUES (0, ${job.nameLiteral}, 2147483647);
        UPDATE ${job.schema}.control AS k
           SET run_id = 0,
               status = CASE WHEN k.strategy = 'skip' THEN 'skipped' ELSE 'pending' END,
               rows_cached = 0, rows_deleted = 0, rows_restored = 0, watermark = 0,
               last_error = NULL, started_at = NULL, finished_at = NULL
         WHERE k.job = ${job.nameLiteral};
<#if !job.rootPredicate?has_content>
        INSERT INTO ${job.schema}.run_key (run_id, key_values)
        SELECT 0, ARRAY(SELECT unnest(p_keys[i:i]))
          FROM generate_subscripts(p_keys, 1) AS i
        ON CONFLICT DO NOTHING;
</#if>

        -- The root step first (the first unit of work of every run), then the sample. A batch size of one row ends
        -- the call with the root step (the units after a unit that caches rows run on only up to the batch size).
        CALL ${job.proc('step')}(0, 1, true, v_phase, v_rows, v_remaining);
        v_where := 'commit of a unit of work (deferred constraint checks)';
        SET CONSTRAINTS ALL IMMEDIATE;
<#if !rootUnit.fixpoint>
        IF v_phase = 'cache' AND p_sample IS NOT NULL THEN
            DELETE FROM ${job.root.backup} AS b
             WHERE b.declutter_run = 0
               AND b.declutter_seq NOT IN (SELECT x.declutter_seq FROM ${job.root.backup} AS x
                                            WHERE x.declutter_run = 0
                                            ORDER BY ${job.root.keyList("x")}
                                            LIMIT p_sample);
        END IF;
</#if>
        SELECT count(*) INTO root_rows FROM ${job.root.backup} AS b WHERE b.declutter_run = 0;

        -- The rest of the run, leaves to root, each table's rows in one batch.
        WHILE v_phase IN ('cache', 'cached', 'delete') LOOP
            CALL ${job.proc('step')}(0, 2147483647, false, v_phase, v_rows, v_remaining);
            SET CONSTRAINTS ALL IMMEDIATE;
        END LOOP;
        v_where := 'rehearsal report';

        SELECT COALESCE(sum(k.rows_deleted), 0) INTO deleted_rows
          FROM ${job.schema}.control AS k WHERE k.job = ${job.nameLiteral} AND k.strategy = 'delete';
        IF v_phase <> 'done' THEN
            outcome := CASE WHEN v_phase = 'failed' THEN 'failed' ELSE 'inconclusive' END;
            SELECT l.table_name,
                   l.message,
                   CASE WHEN l.edge_id IS NULL THEN NULL
                        ELSE 'edge ' || l.edge_id || COALESCE(' (' || k.constraint_name || ' on ' || k.child_table || ')', ' (root rows of ' || k.child_table || ')')
                   END
              INTO failed_table, error, failed_statement
              FROM ${job.schema}.log AS l
              LEFT JOIN ${job.schema}.control AS k ON k.job = ${job.nameLiteral} AND k.edge_id = l.edge_id
             WHERE l.run_id = 0 AND l.action IN ('error', 'retry')
             ORDER BY l.log_id DESC
             LIMIT 1;
            -- the log's message is '<statement>: <error>'
            IF error IS NOT NULL AND position(': ' IN error) > 0 THEN
                failed_statement := split_part(error, ': ', 1) || COALESCE(' of ' || failed_table, '')
                                    || COALESCE(', ' || failed_statement, '');
                error := substr(error, position(': ' IN error) + 2);
            END IF;
            IF v_phase = 'busy' THEN
                error := 'another session is working on job ' || ${job.nameLiteral};
            END IF;
        END IF;
        -- Undo everything above (the handler below catches this and nothing else).
        RAISE EXCEPTION 'declutter: rehearsal done' USING ERRCODE = 'DCRH0';
    EXCEPTION
        WHEN SQLSTATE 'DCRH0' THEN
            NULL;
        WHEN lock_not_available OR query_canceled OR deadlock_detected THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
            outcome := 'inconclusive';
            error := v_message || ' (SQLSTATE ' || v_state || ')';
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
            outcome := 'failed';
            failed_statement := v_where;
            error := v_message || ' (SQLSTATE ' || v_state || ')';
    END;
END
${tags.fn};
