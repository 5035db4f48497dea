<#import "../lib.ftl" as lib>
<#-- Rows reached by several paths are stored once: an anti-join on the backup's key, not ON CONFLICT, whose
     speculative insertion costs an extra WAL record and a second index probe per row. Only one session works on
     a job at a time (advisory lock) and the SELECT returns each row once, so nothing else inserts the same key. -->
<#macro insertBackup s indent>
<#if !s.parent?? && job.rootPredicate?has_content>
<#assign statement>INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
${indent}SELECT $1, ${s.child.columnList("c")}
${indent}  FROM ${s.child.table} AS c
${indent} WHERE ${job.rootFilter}
${indent}   AND NOT EXISTS (SELECT 1 FROM ${s.child.backup} AS x
${indent}                    WHERE x.declutter_run = $1 AND ${s.child.keyMatch("x", "c")})</#assign>
${indent}-- The root predicate runs as plain SQL, as plan checked it: inside this procedure a column it names like
${indent}-- one of the procedure's variables (found, p_run, $1...) would be ambiguous.
${indent}EXECUTE '${statement?replace("'", "''")}'
${indent}  USING p_run;
<#else>
${indent}INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
${indent}SELECT p_run, ${s.child.columnList("c")}
${indent}  FROM ${s.child.table} AS c
<#if s.parent??>
${indent} WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
${indent}                WHERE p.declutter_run = p_run AND ${s.parentMatch})
<#else>
${indent} WHERE ${job.rootFilter}
</#if>
${indent}   AND NOT EXISTS (SELECT 1 FROM ${s.child.backup} AS x
${indent}                    WHERE x.declutter_run = p_run AND ${s.child.keyMatch("x", "c")});
</#if>
</#macro>
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
<#-- The careful path before a delete batch of a table with children: lock the batch, back up the rows inserted
     since the cache that reference it, delete those; ends with v_edge, v_table and v_action set for the batch. -->
<#macro carefulPath t>
                -- Catch-up: rows inserted since the cache that reference this batch (directly, or through rows
                -- caught up here) are backed up now and deleted below, so they neither block nor escape the purge.
                -- The batch rows, then each row caught up, are locked first (FOR UPDATE): a new child's foreign
                -- key check waits for this transaction, so no child can appear between catch-up and delete.
<#if t.childrenFirst>
                SELECT max(b.declutter_seq) INTO v_mark FROM ${t.backup} AS b WHERE b.declutter_run = p_run;
</#if>
                v_action := 'lock';
                PERFORM 1
                   FROM ${t.table} AS t
                   JOIN ${t.backup} AS b ON ${t.keyMatch("t", "b")}
                  WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper
                    FOR UPDATE OF t;
<#if t.catchUpRepeats>
                -- Rows caught up in a cycle or a tree below can have children caught up only in the next round:
                -- repeat until a round finds nothing new.
                LOOP
                v_round := 0;
</#if>
<#list t.catchUp as s>
                v_edge := ${s.edgeId};
                v_table := ${job.literal(s.child.display)};
                v_action := 'catch-up';
<#if s.selfLoop>
                LOOP -- late rows of the tree, and their late children, until none is left
</#if>
                INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
                SELECT p_run, ${s.child.columnList("c")}
                  FROM ${s.child.table} AS c
                 WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
                                WHERE p.declutter_run = p_run<#if s.fromBatch> AND <#if t.childrenFirst>(</#if>p.declutter_seq > v_wm AND p.declutter_seq <= v_upper<#if t.childrenFirst> OR p.declutter_seq > v_mark)</#if><#else>
                                  AND p.declutter_seq > (SELECT k.watermark FROM ${job.schema}.control AS k
                                                          WHERE k.run_id = p_run AND k.edge_id = ${s.parent.primaryEdge})</#if>
                                  AND ${s.parentMatch})
                   FOR UPDATE OF c
                ON CONFLICT DO NOTHING;
                GET DIAGNOSTICS v_rows = ROW_COUNT;
                IF v_rows > 0 THEN
                    PERFORM ${job.schema}.note_catchup(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
                END IF;
<#if t.catchUpRepeats>
                v_round := v_round + v_rows;
</#if>
<#if s.selfLoop>
                EXIT WHEN v_rows = 0;
                END LOOP;
</#if>
</#list>
<#if t.catchUpRepeats>
                EXIT WHEN v_round = 0;
                END LOOP;
</#if>
<#list t.catchUpNullifies as u>
                v_edge := ${u.edge.edgeId};
                v_table := ${job.literal(u.edge.childDisplay)};
                v_action := 'catch-up';
                INSERT INTO ${u.edge.backup} (declutter_run, ${u.edge.storedList("")})
                SELECT p_run, ${u.edge.storedList("c")}
                  FROM ${u.edge.childTable} AS c
                 WHERE EXISTS (SELECT 1 FROM ${u.parent.backup} AS p
                                WHERE p.declutter_run = p_run<#if u.fromBatch> AND p.declutter_seq > v_wm AND p.declutter_seq <= v_upper<#else>
                                  AND p.declutter_seq > (SELECT k.watermark FROM ${job.schema}.control AS k
                                                          WHERE k.run_id = p_run AND k.edge_id = ${u.parent.primaryEdge})</#if>
                                  AND ${u.edge.parentMatch})
                   FOR UPDATE OF c
                ON CONFLICT DO NOTHING;
                GET DIAGNOSTICS v_rows = ROW_COUNT;
                IF v_rows > 0 THEN
                    PERFORM ${job.schema}.note_catchup(p_run, ${u.edge.edgeId}, v_table, NULL, v_rows, v_started);
                END IF;
</#list>
<#if t.deferCatchUp?has_content>
                -- Some of these rows belong to a cycle broken through DEFERRABLE foreign keys: defer them meanwhile.
                SET CONSTRAINTS ${t.deferCatchUp} DEFERRED;
</#if>
<#list t.catchUpDeletes as d>
<@catchUpDelete d=d/>
</#list>
<#if t.deferCatchUp?has_content>
                SET CONSTRAINTS ${t.deferCatchUp} IMMEDIATE;
</#if>
<#if t.childrenFirst>
                -- Late rows of this tree caught up above go now, before their parents in the batch (their
                -- sequence numbers lie beyond the batch; later batches find them gone).
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
<#include "step_unit.ftl">
<#include "step_triggers.ftl">
<@lib.header object="procedure ${job.proc('step')}" purpose="one bounded unit of work of a run: the next cache step (root to leaves), else the next delete batch (leaves to root). The runner calls it in a loop; ${job.proc('cache')} and ${job.proc('delete')} do too."/>
--
-- Every unit is one set-based statement per edge or per batch and ends in the control table, so a run
-- interrupted anywhere resumes where it stopped. Errors do not escape: a lock or statement timeout, or a
-- deadlock with an application transaction, is reported as phase 'retry', anything else marks the run
-- failed (phase 'failed', resumable).
--
-- Phases returned: cache, cached (with p_cache_only), delete, retry, busy (another session works on the
-- job), failed, done.
CREATE OR REPLACE PROCEDURE ${job.proc('step')}(
    p_run             bigint,
    p_max_rows        integer,
    p_cache_only      boolean DEFAULT false,
    INOUT p_phase     text    DEFAULT NULL,
    INOUT p_rows      bigint  DEFAULT NULL,
    INOUT p_remaining bigint  DEFAULT NULL)
LANGUAGE plpgsql
AS ${tags.proc}
-- Every name this body writes unqualified is one of its own variables; columns of the purged tables (which may be
-- called found, p_run, ...) are always written with their table's alias.
#variable_conflict use_variable
DECLARE
    v_status  text;
    v_checked timestamptz;
    v_wm      bigint;
    v_upper   bigint;
    v_rows    bigint;
    v_round   bigint;
    v_mark    bigint;
    v_edge    integer;
    v_table   text;
    v_action  text := 'start';
    v_started timestamptz := clock_timestamp();
    v_message text;
BEGIN
    -- FOR SHARE: a rollback of this run waits for the current unit and then stops the next one.
    SELECT status, fks_checked_at INTO v_status, v_checked
      FROM ${job.schema}.run WHERE run_id = p_run AND job = ${job.nameLiteral} FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'declutter: run % of job % does not exist', p_run, ${job.nameLiteral}
            USING HINT = 'See the runs with: SELECT * FROM ${job.schema}.run WHERE job = ''${job.name}''';
    END IF;
    IF v_status NOT IN ('running', 'failed') THEN
        RAISE EXCEPTION 'declutter: run % of job % is %, it has no work left', p_run, ${job.nameLiteral}, v_status;
    END IF;
    IF p_max_rows IS NULL OR p_max_rows < 1 THEN
        RAISE EXCEPTION 'declutter: batch size must be at least 1, got %', p_max_rows;
    END IF;

    -- One session at a time works on a job (the runner holds the same lock for its whole run).
    IF NOT pg_try_advisory_xact_lock(hashtext('declutter'), hashtext(${job.nameLiteral})) THEN
        p_phase := 'busy';
        p_rows := 0;
        p_remaining := ${job.schema}.remaining(p_run);
        RETURN;
    END IF;

    -- No statement of a purge may wait long for a lock (SET LOCAL: this unit only). The statement timeout
    -- (${job.statementTimeoutMs} ms) cannot be armed from inside a CALL: the runner sets both before each call.
    PERFORM set_config('lock_timeout', '${job.lockTimeoutMs}ms', true);
    p_rows := 0;

    BEGIN
        -- ==== Cache: root to leaves (descending height); rows reached by several paths are stored once ====
<#list job.cacheUnits as u>

<#if u.fixpoint>
        -- Cycle group ${u.cycleGroup} (${lib.line(u.first().child.display)}): repeat until a round finds no new rows.
<#list u.steps as s>
        --   edge ${s.edgeId}: ${lib.line(s.description)}
</#list>
        IF (SELECT status = 'pending' FROM ${job.schema}.control WHERE run_id = p_run AND edge_id = ${u.first().edgeId}) THEN
            v_action := 'cache';
            LOOP
                v_round := 0;
<#list u.steps as s>
                v_edge := ${s.edgeId};
                v_table := ${job.literal(s.child.display)};
<@insertBackup s=s indent="                "/>
                GET DIAGNOSTICS v_rows = ROW_COUNT;
                PERFORM ${job.schema}.note_cache(p_run, ${s.edgeId}, v_table, v_rows, v_started, false);
                v_round := v_round + v_rows;
                p_rows := p_rows + v_rows;
</#list>
                EXIT WHEN v_round = 0;
            END LOOP;
<#if u.tree??>
<#assign t = u.tree>
            -- ${lib.line(t.display)} is a tree through a NOT NULL self-reference: renumber its backup rows deepest
            -- first, so that delete batches (in sequence order) always take children before their parents.
            CREATE TEMP TABLE declutter_tree ON COMMIT DROP AS
            WITH RECURSIVE tree AS (
                SELECT b.*, 0 AS declutter_depth
                  FROM ${t.backup} AS b
                 WHERE b.declutter_run = p_run
                   AND NOT EXISTS (SELECT 1 FROM ${t.backup} AS p
                                    WHERE p.declutter_run = p_run AND p.declutter_seq <> b.declutter_seq
                                      AND (${t.treeRootParent}))
                UNION ALL
                SELECT c.*, t.declutter_depth + 1
                  FROM ${t.backup} AS c
                  JOIN tree AS t ON c.declutter_seq <> t.declutter_seq AND (${t.treeJoin})
                 WHERE c.declutter_run = p_run
                   AND t.declutter_depth < (SELECT count(*) FROM ${t.backup} AS n WHERE n.declutter_run = p_run)
            )
            SELECT b.*, COALESCE(d.depth, 0) AS declutter_depth
              FROM ${t.backup} AS b
              LEFT JOIN (SELECT declutter_seq, max(declutter_depth) AS depth FROM tree GROUP BY declutter_seq) AS d
                     ON d.declutter_seq = b.declutter_seq
             WHERE b.declutter_run = p_run;
            DELETE FROM ${t.backup} WHERE declutter_run = p_run;
            INSERT INTO ${t.backup} (declutter_run, ${t.columnList("")})
            SELECT x.declutter_run, ${t.columnList("x")}
              FROM declutter_tree AS x
             ORDER BY x.declutter_depth DESC, x.declutter_seq;
            DROP TABLE declutter_tree;
</#if>
            UPDATE ${job.schema}.control SET status = 'cached', finished_at = clock_timestamp()
             WHERE run_id = p_run AND edge_id IN (<#list u.steps as s>${s.edgeId}<#sep>, </#sep></#list>);
            p_phase := 'cache';
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN;
        END IF;
<#else>
<#assign s = u.first()>
        -- Edge ${s.edgeId}: ${lib.line(s.description)}
        IF (SELECT status = 'pending' FROM ${job.schema}.control WHERE run_id = p_run AND edge_id = ${s.edgeId}) THEN
            v_edge := ${s.edgeId};
            v_table := ${job.literal(s.child.display)};
            v_action := 'cache';
<@insertBackup s=s indent="            "/>
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            PERFORM ${job.schema}.note_cache(p_run, ${s.edgeId}, v_table, v_rows, v_started, true);
            p_phase := 'cache';
            p_rows := v_rows;
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN;
        END IF;
</#if>
</#list>

<#list job.nullifies as n>

        -- Edge ${n.edgeId}: ${lib.line(n.description)}
        -- The rows stay; record the values the database will reset when their parents are deleted.
        IF (SELECT status = 'pending' FROM ${job.schema}.control WHERE run_id = p_run AND edge_id = ${n.edgeId}) THEN
            v_edge := ${n.edgeId};
            v_table := ${job.literal(n.childDisplay)};
            v_action := 'cache';
            INSERT INTO ${n.backup} (declutter_run, ${n.storedList("")})
            SELECT p_run, ${n.storedList("c")}
              FROM ${n.childTable} AS c
             WHERE EXISTS (SELECT 1 FROM ${n.parent.backup} AS p
                            WHERE p.declutter_run = p_run AND ${n.parentMatch})
               AND NOT EXISTS (SELECT 1 FROM ${n.backup} AS x
                                WHERE x.declutter_run = p_run AND ${n.keyMatch("x", "c")});
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            PERFORM ${job.schema}.note_cache(p_run, ${n.edgeId}, v_table, v_rows, v_started, true);
            p_phase := 'cache';
            p_rows := v_rows;
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN;
        END IF;
</#list>

        IF p_cache_only THEN
            p_phase := 'cached';
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN;
        END IF;

        -- ==== Before the first delete of every start or resume: no foreign key the plan does not know ====
        IF v_checked IS NULL THEN
            v_action := 'check foreign keys';
            PERFORM ${job.proc('check_fks')}(p_run);
<@countBefore indent="            "/>
            UPDATE ${job.schema}.run SET fks_checked_at = clock_timestamp() WHERE run_id = p_run;
        END IF;
<@disable indent="        "/>

        -- ==== Delete: leaves to root (ascending height), one batch of backup keys per call ====
<#list job.tables as t>
<#if t.unit??>
<@unitBatch t=t/>
<#else>

        -- ${lib.line(t.display)} (height ${t.height}): progress on edge ${t.primaryEdge}
        SELECT watermark INTO v_wm FROM ${job.schema}.control
         WHERE run_id = p_run AND edge_id = ${t.primaryEdge} AND status <> 'deleted';
        IF FOUND THEN
            v_edge := ${t.primaryEdge};
            v_table := ${job.literal(t.display)};
            v_action := 'delete';
            -- The batch: the next p_max_rows backup rows after the watermark.
            SELECT max(s.declutter_seq) INTO v_upper
              FROM (SELECT b.declutter_seq FROM ${t.backup} AS b
                     WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm
                     ORDER BY b.declutter_seq
                     LIMIT p_max_rows) AS s;
<#if (t.catchUp?has_content || t.catchUpNullifies?has_content) && !t.optimisticDelete>
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
            -- Fast path: every foreign key into this table is a NOT DEFERRABLE NO ACTION or RESTRICT one, not a
            -- self-reference: the delete changes no other row, and a row referencing the batch that arrived since
            -- the cache makes its foreign key check fail (23503), which rolls back this block's subtransaction:
            -- nothing is lost. An application inserting such a row holds FOR KEY SHARE on its parent until it
            -- commits; the delete waits for it, then the check sees the committed row. A row inserted after the
            -- delete waits for this transaction and fails once it commits, the parent gone (as with FOR UPDATE).
            BEGIN
<@batchDelete t=t indent="                "/>
            EXCEPTION WHEN foreign_key_violation THEN
                -- A row referencing the batch arrived after the cache: take the careful path (lock, catch up,
                -- delete). Lock and statement timeouts and every other error propagate as before.
<@carefulPath t=t/>
<@batchDelete t=t indent="                "/>
            END;
<#else>
<@batchDelete t=t indent="            "/>
</#if>
<@enable indent="            "/>
            PERFORM ${job.schema}.note_delete(p_run, ${t.primaryEdge}, v_table, v_upper, v_rows, v_started);
            p_phase := 'delete';
            p_rows := v_rows;
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN;
        END IF;
</#if>
</#list>

        -- ==== Everything is deleted ====
<@enable indent="        "/>
<@countAfter indent="        "/>
        PERFORM ${job.schema}.finish_run(p_run, 'done');
        p_phase := 'done';
        p_remaining := 0;
    EXCEPTION
        -- A deadlock with an application transaction (it holds a key-share lock on a batch row through a child it
        -- inserted, and waits for another) is as transient as a lock timeout: retried, never a failed run.
        WHEN lock_not_available OR query_canceled OR deadlock_detected THEN
            GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
            PERFORM ${job.schema}.note_error(p_run, v_edge, v_table, v_action, v_message, true, v_started);
            p_phase := 'retry';
            p_rows := 0;
            p_remaining := ${job.schema}.remaining(p_run);
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
            PERFORM ${job.schema}.note_error(p_run, v_edge, v_table, v_action, v_message, false, v_started);
            p_phase := 'failed';
            p_rows := 0;
            p_remaining := ${job.schema}.remaining(p_run);
    END;
END
${tags.proc};
