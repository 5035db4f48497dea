<#import "../lib.ftl" as lib>
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
--
-- This procedure only dispatches: the cache units are in ${job.proc('cache_next')}, and each table's delete
-- batch is in a procedure of its own, ${job.name}_del_<edge>_<table> (one file each, in delete order). Those
-- catch their own errors and hand them back with where they happened (edge, table, action), their work rolled
-- back; they are raised again here, so that the handler at the end records them. The mechanisms they use are
-- explained here, once:
--
-- Batch. A table's backup rows are deleted in backup sequence order, p_max_rows at a time: a batch is the rows
-- after the watermark of the table's progress row (its primary edge in the control table), up to the highest
-- sequence number taken; note_delete moves the watermark, and marks the table deleted when no row is left.
-- Tables go leaves to root (ascending height): a table after the tables that reference it.
<#if job.tables?filter(t -> t.catchUp?has_content || t.catchUpNullifies?has_content)?has_content>
--
-- Careful path and catch-up. Rows inserted since the cache that reference a batch (directly, or through rows
-- caught up here, down to the tables whose deletes finished already) are backed up before the batch is deleted,
-- so they neither block nor escape the purge; the caught-up rows of finished tables are then deleted, bottom up.
-- The batch rows, then each row caught up, are locked first (FOR UPDATE): a new child's foreign key check waits
-- for this transaction, so no child can appear between catch-up and delete. Where a cycle or a tree among the
-- finished tables lets a caught-up row have children caught up only in a later round, the catch-up repeats until
-- a round finds nothing new; a tree's own late rows loop likewise, and are deleted before their parents.
<#if job.late?has_content>
-- The late rows of each finished table (caught up, then deleted) are handled in a procedure of its own,
-- ${job.name}_late_<edge>_<table>, which a batch calls only for the tables it caught up rows into (v_late, the
-- progress edges of those tables, grown by every catch-up that writes a row): a finished table has no backup row
-- after its watermark otherwise, as the batch that catches late rows up deletes them, so such a call would find
-- nothing. A batch that catches up nothing calls none.
</#if>
</#if>
<#if job.tables?filter(t -> t.optimisticDelete)?has_content>
--
-- Fast path. Where every foreign key into a table is a NOT DEFERRABLE NO ACTION or RESTRICT one, not a
-- self-reference, a batch is first deleted alone, in a block of its own: the delete changes no other row, and a
-- row referencing the batch that arrived since the cache makes its foreign key check fail (23503), which rolls
-- back that block: nothing is lost, and the careful path (lock, catch-up, delete) runs instead. An application
-- inserting such a row holds FOR KEY SHARE on its parent until it commits; the delete waits for it, then the check
-- sees the committed row. A row inserted after the delete waits for this transaction and fails once it commits,
-- the parent gone (as with FOR UPDATE). Lock and statement timeouts and every other error propagate as before.
</#if>
<#if job.nullifies?has_content>
--
-- SET NULL. Rows behind an ON DELETE SET NULL / SET DEFAULT edge stay; before a batch of their parent, those that
-- arrived since the cache are recorded too (keys and the values the database resets), for rollback.
<#if job.nullifies?filter(n -> n.logical)?has_content>
-- A logical reference with onDelete: set null has no database action behind it: the batch that deletes the
-- parents sets the recorded rows' columns to NULL itself, in the same transaction.
</#if>
<#if job.nullifies?filter(n -> n.repoint)?has_content>
-- Re-point (children: repoint). The rows referencing a duplicate are recorded the same way, and the batch that
-- deletes the duplicates first re-points them to the kept row of each group, in the same transaction; the cache
-- first checks that no unique key of theirs would then hold a value twice, and stops the run if one would.
</#if>
</#if>
<#if job.tables?filter(t -> t.detaches?has_content)?has_content>
--
-- Detach. A nullable foreign key that closes a cycle (or a self-reference) is set to null on the purged rows that
-- still point at a batch before it is deleted, so the cycle never blocks a delete; the backups keep the values
-- and rollback re-attaches them. A self-reference inside the batch is left: the rows go together.
</#if>
<#if job.tables?filter(t -> t.unit??)?has_content>
--
-- Deferred unit. Tables that reference each other in a cycle only DEFERRABLE foreign keys break form a unit. A
-- batch is the next backed-up rows of one of its tables together with every purged row of the unit connected to
-- them (rows referencing them inside the unit, transitively, and rows inserted since the cache), gathered in a
-- temporary set, locked, and all deleted in this one transaction with the deferred constraints deferred; the
-- deferred checks then run inside the step (SET CONSTRAINTS ... IMMEDIATE), so a reference left to a deleted row
-- fails the batch, not the commit.
</#if>
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
    v_rows    bigint;
    v_next    integer;
    v_pos     integer;
    -- The tables in delete order, each by its primary edge, and the position of each edge in it, by edge id (0: not
    -- a table's primary edge).
    v_order   integer[] := ARRAY[
<#list job.deleteOrder()?chunk(16) as row>
                   <#list row as id>${id?c}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
               ];
    v_rank    integer[] := ARRAY[
<#list job.deleteRanks()?chunk(16) as row>
                   <#list row as r>${r?c}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
               ];
    v_work    text;
    v_state   text;
    v_edge    integer;
    v_table   text;
    v_action  text := 'start';
    v_started timestamptz := clock_timestamp();
    v_call    timestamptz := v_started;
    v_done    integer := 0;
    v_called  integer := 0; -- delete procedures called in this call (see Small batches below)
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
        -- ==== Cache: root to leaves, one unit per call (${job.proc('cache_next')}) ====
        v_action := 'cache';
        v_work := NULL;
        CALL ${job.proc('cache_next')}(p_run, p_max_rows, v_started, v_work, v_rows, v_edge, v_table, v_action, v_state, v_message);
        IF v_state IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message;
        END IF;
        IF v_work = 'cache' THEN
            p_phase := 'cache';
            p_rows := v_rows;
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN;
        END IF;

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

        -- ==== Delete: leaves to root, one batch of the first table in delete order not deleted yet ====
        -- Small batches. While the call has deleted fewer rows than the batch size (p_max_rows), the next table
        -- follows in the same call, for up to one second from its start, if the call has deleted no row yet or all of
        -- its rows left (cached and not deleted, by the control table) fit in what is left of the batch size (a table
        -- marked deleted, or one with nothing cached, deletes none): a call deletes, and so locks, at most
        -- p_max_rows rows in all, as one full batch does, and no table's rows are split into more batches than the
        -- batch size makes. A small purge leaves most tables a few rows or none (a small purge of a wide schema
        -- reaches hundreds of tables), and a table's last batch is mostly a partial one: one by one, each cost a
        -- transaction, a commit and the runner's round trips and health checks, more than its delete. A deadlock
        -- with an application transaction rolls the whole call back and is retried, as for one batch. A table
        -- without a key (its batch counts the parents' backup rows, not its own) only starts a call. At most 32
        -- delete procedures are called in a call: each batch holds its locks (the table, its indexes, its backup, the
        -- children its foreign keys check) until the call commits, and PostgreSQL's lock table is shared by every
        -- session (max_locks_per_transaction x max_connections entries); hundreds of tables in one transaction can
        -- exhaust it ("out of shared memory").
        -- The first table not deleted is found in one scan of the control table, each row's position in delete
        -- order looked up in v_rank (a join with the order, planned on the control table's estimates while the run
        -- rewrites it, became a nested loop over both: quadratic in the tables).
        <<tables>>
        LOOP
            SELECT min(NULLIF(v_rank[k.edge_id], 0)) INTO v_pos
              FROM ${job.schema}.control AS k
             WHERE k.run_id = p_run AND k.status <> 'deleted';
            v_next := v_order[v_pos];
            EXIT tables WHEN v_next IS NULL;
            IF v_done > 0 AND NOT (clock_timestamp() < v_call + interval '1 second' AND p_rows < p_max_rows
                   AND v_called < 32
<#if job.tables?filter(t -> t.rowIdentity)?has_content>
                   AND v_next <> ALL (ARRAY[<#list job.tables?filter(t -> t.rowIdentity) as t>${t.primaryEdge}<#sep>, </#sep></#list>]) -- deleted and backed up at once
</#if>
                   AND (p_rows = 0 OR (SELECT COALESCE(sum(e.rows_cached), 0) - COALESCE(sum(e.rows_deleted), 0)
                          FROM ${job.schema}.control AS e
                          JOIN ${job.schema}.control AS n ON n.job = e.job AND n.run_id = e.run_id
                                                       AND n.child_table = e.child_table
                         WHERE n.job = ${job.nameLiteral} AND n.edge_id = v_next AND n.run_id = p_run
                           AND e.strategy = 'delete') <= p_max_rows - p_rows)) THEN
                p_phase := 'delete';
                p_remaining := ${job.schema}.remaining(p_run);
                RETURN;
            END IF;
            v_started := clock_timestamp();
            -- A table none of whose rows was cached (through any edge, or caught up) has an empty backup: it is
            -- marked deleted here, as its procedure would, without calling it (a procedure's first call in a session
            -- compiles it, which costs more than such a call; a small purge of a wide schema reaches hundreds of
            -- these tables). Not a table without a key (backed up as it is deleted) or of a deferred unit.
            v_action := 'delete';
            v_edge := v_next;
            v_table := NULL;
<#assign unskippable = job.tables?filter(t -> t.rowIdentity || t.unit??)>
            SELECT n.child_table INTO v_table
              FROM ${job.schema}.control AS n
             WHERE n.job = ${job.nameLiteral} AND n.run_id = p_run AND n.edge_id = v_next
<#if unskippable?has_content>
               AND v_next <> ALL (ARRAY[<#list unskippable as t>${t.primaryEdge}<#sep>, </#sep></#list>])
</#if>
               AND NOT EXISTS (SELECT 1 FROM ${job.schema}.control AS e
                                WHERE e.job = n.job AND e.run_id = n.run_id AND e.child_table = n.child_table
                                  AND e.rows_cached > 0);
            IF v_table IS NOT NULL THEN
                PERFORM ${job.schema}.note_delete(p_run, v_next, v_table, NULL, 0, v_started);
                v_rows := 0;
            ELSE
                v_called := v_called + 1;
<@disable indent="                "/>
                v_action := 'delete';
                CASE v_next
<#list job.tables as t>
                WHEN ${t.primaryEdge} THEN -- ${lib.line(t.display)}
                    CALL ${job.deleteProc(t)}(p_run, p_max_rows - p_rows::integer, v_started, v_rows, v_edge, v_table, v_action, v_state, v_message);
</#list>
                END CASE;
                IF v_state IS NOT NULL THEN
                    RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message;
                END IF;
<@enable indent="                "/>
            END IF;
            p_rows := p_rows + v_rows;
            v_done := v_done + 1;
        END LOOP;
        IF v_done > 0 THEN
            p_phase := 'delete';
            p_remaining := ${job.schema}.remaining(p_run);
            RETURN; -- the run is finished by the next call, as before
        END IF;

        -- ==== Everything is deleted ====
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
