<#import "../lib.ftl" as lib>
<#macro insertBackup s indent>
<#if !s.parent?? && job.rootPredicate?has_content>
<#assign statement>WITH cached AS MATERIALIZED (SELECT ${s.child.keyList("x")} FROM ${s.child.backup} AS x
${indent}                             WHERE x.declutter_run = $1)
${indent}INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
${indent}SELECT $1, ${s.child.columnList("c")}
${indent}  FROM ${s.child.table} AS c
${indent} WHERE ${job.rootFilter}
${indent}   AND NOT EXISTS (SELECT 1 FROM cached AS x WHERE ${s.child.keyMatch("x", "c")})</#assign>
${indent}EXECUTE '${statement?replace("'", "''")}'
${indent}  USING p_run;
<#else>
${indent}WITH cached AS MATERIALIZED (SELECT ${s.child.keyList("x")} FROM ${s.child.backup} AS x
${indent}                             WHERE x.declutter_run = p_run)
${indent}INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
${indent}SELECT p_run, ${s.child.columnList("c")}
${indent}  FROM ${s.child.table} AS c
<#if s.parent??>
${indent} WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
${indent}                WHERE p.declutter_run = p_run AND ${s.parentMatch})
<#else>
${indent} WHERE ${job.rootFilter}
</#if>
${indent}   AND NOT EXISTS (SELECT 1 FROM cached AS x WHERE ${s.child.keyMatch("x", "c")});
</#if>
</#macro>
<@lib.header object="procedure ${job.proc('cache_next')}" purpose="the next unit of the cache phase of a run: back up the rows of one edge (or of one cycle), root to leaves; called by ${job.proc('step')}"/>
--
-- Backup. Each unit copies, into the backup table of the edge's child, the rows that reference rows already in the
-- backup of its parent (the root's rows: those the root filter selects), so that the backups hold every row the
-- purge deletes before anything is deleted. Units run root to leaves (descending cache rank): a table's rows are
-- complete before its children are looked up. A row reached by several paths is stored once: an anti-join on the
-- backup's key, not ON CONFLICT, whose speculative insertion costs an extra WAL record and a second index probe per
-- row; only one session works on a job at a time (advisory lock) and the SELECT returns each row once, so nothing
-- else inserts the same key. The keys already stored are read once per statement (the MATERIALIZED CTE cached):
-- a backup table vacuumed while empty is planned as empty, and a plain NOT EXISTS on it became a nested loop that
-- re-read, for every row, the pages the same INSERT was writing (docs/design.md#cache). Each unit ends by marking
-- its control rows 'cached', so a run resumes after it.
--
-- Empty parents. A unit that reads only its parent's backup (not the root's, nor a cycle's) caches nothing when no
-- control row of an edge into the parent counts a row cached: the parent's units all ran before it. Such a unit is
-- noted cached with no row without running its statement: each statement is planned at its first run in a
-- session, which costs more than the run (a small purge of a wide schema leaves most parents empty).
<#if job.rootPredicate?has_content>
--
-- Root filter. The root predicate runs as plain SQL (EXECUTE), as plan checked it: inside this procedure a column
-- it names like one of the procedure's variables (found, p_run, $1...) would be ambiguous.
</#if>
<#if job.cacheUnits?filter(u -> u.fixpoint)?has_content>
--
-- Cycles. The edges of a cycle group (tables referencing each other, or themselves) are one unit, repeated until
-- a round finds no new rows.
</#if>
<#if job.cacheUnits?filter(u -> u.tree??)?has_content>
--
-- Trees. A table whose NOT NULL self-reference makes a tree has its backup rows renumbered deepest first once
-- cached, so that delete batches (in sequence order) always take children before their parents.
</#if>
<#if job.nullifies?has_content>
--
-- SET NULL records. Rows behind an ON DELETE SET NULL / SET DEFAULT edge stay: their keys and the values the
-- database will reset when their parents are deleted are recorded, for rollback.
</#if>
--
-- Small units. A unit does not end the call while the call has cached fewer rows than the batch size (p_max_rows):
-- the next unit follows in the same transaction, for up to one second from the start of the call. Most edges of a
-- small purge cache a few rows or none (their rows were all reached through another edge, or the purge has none
-- there: most edges of a small purge in a wide schema); one by one, each cost a transaction, a commit and the
-- runner's round trips and health checks, more than its statement. A cache unit locks no row, so a longer call
-- only holds its snapshot longer. The control table is read once per call, not once per unit before the next.
-- Units go on up to the first that brings the call's rows to the batch size, or the second, or the 64th unit that
-- ran its statement: each holds its locks (the tables, their indexes, the backups) until the call commits, and
-- PostgreSQL's lock table is shared by every session (max_locks_per_transaction x max_connections entries); hundreds
-- of tables in one transaction can exhaust it ("out of shared memory").
--
-- Errors are caught here and handed back (p_sqlstate, p_message, with where they happened in p_edge, p_table and
-- p_action), the unit's work rolled back: ${job.proc('step')} raises them again and records them.
-- Its earlier form, without p_max_rows, is dropped if an earlier deploy left it, so that one procedure of this name
-- remains.
DROP PROCEDURE IF EXISTS ${job.proc('cache_next')}(bigint, timestamptz, text, bigint, integer, text, text, text, text);
CREATE OR REPLACE PROCEDURE ${job.proc('cache_next')}(
    p_run            bigint,
    p_max_rows       integer,
    p_started        timestamptz,
    INOUT p_phase    text,
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
    v_rows    bigint;
    v_round   bigint;
    v_edge    integer;
    v_table   text;
    v_action  text := 'cache';
    v_started timestamptz := p_started;
    v_order   integer[] := ARRAY[
<#list job.cacheOrder()?chunk(16) as row>
                   <#list row as id>${id?c}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
               ];
    -- The position in v_order of each edge, by edge id (0: not a unit's edge).
    v_rank    integer[] := ARRAY[
<#list job.cacheRanks()?chunk(16) as row>
                   <#list row as r>${r?c}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
               ];
<#if job.cacheSkippable()?has_content>
    -- The units that read only their parent's backup (see Empty parents above).
    v_skippable integer[] := ARRAY[
<#list job.cacheSkippable()?chunk(16) as row>
                   <#list row as id>${id?c}<#sep>, </#sep></#list><#sep>,</#sep>
</#list>
               ];
</#if>
    v_next    integer;
    v_pos     bigint;
    v_skip    boolean := false;
    v_ran     integer := 0; -- units of this call that ran their statements (see Small units above)
BEGIN
    p_phase := NULL;
    p_rows := 0;
    p_sqlstate := NULL;
    p_message := NULL;

    -- The first unit still pending, in cache order (v_order), read once: the units before it are cached. One scan
    -- of the control table, each row's position looked up in v_rank (a join with v_order, planned on the control
    -- table's estimates while the run rewrites it, became a nested loop over both: quadratic in the edges).
    SELECT min(NULLIF(v_rank[k.edge_id], 0)) INTO v_pos
      FROM ${job.schema}.control AS k
     WHERE k.run_id = p_run AND k.status = 'pending';
    v_next := v_order[v_pos];
    <<units>>
    LOOP
<#if job.cacheSkippable()?has_content>
        -- Empty parents (see above): the table of the unit's rows when its parent's backup is empty, else NULL.
        v_table := NULL;
        v_skip := false;
        IF v_next = ANY (v_skippable) THEN
            SELECT n.child_table INTO v_table
              FROM ${job.schema}.control AS n
             WHERE n.job = ${job.nameLiteral} AND n.run_id = p_run AND n.edge_id = v_next
               AND NOT EXISTS (SELECT 1 FROM ${job.schema}.control AS e
                                WHERE e.job = n.job AND e.run_id = n.run_id AND e.child_table = n.parent_table
                                  AND e.rows_cached > 0);
            v_skip := v_table IS NOT NULL;
        END IF;
</#if>
        IF v_next IS NULL THEN
            EXIT units; -- every unit is cached
<#if job.cacheSkippable()?has_content>
        ELSIF v_skip THEN
            v_edge := v_next;
            v_action := 'cache';
            PERFORM ${job.schema}.note_cache(p_run, v_next, v_table, 0, v_started, true);
            p_phase := 'cache';
</#if>
<#list job.cacheUnits as u>

<#if u.fixpoint>
        -- Cycle group ${u.cycleGroup} (${lib.line(u.first().child.display)}), to a fixed point:
<#list u.steps as s>
        --   edge ${s.edgeId}: ${lib.line(s.description)}
</#list>
        ELSIF v_next = ${u.first().edgeId} THEN
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
            -- Tree ${lib.line(t.display)}: its backup rows renumbered deepest first.
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
<#else>
<#assign s = u.first()>
        -- Edge ${s.edgeId}: ${lib.line(s.description)}
<#if s.child.rowIdentity>
        -- ${lib.line(s.child.display)} has no key: nothing is cached, its rows are backed up as they are deleted
        -- (docs/design.md#tables-without-a-key).
        ELSIF v_next = ${s.edgeId} THEN
            PERFORM ${job.schema}.note_cache(p_run, ${s.edgeId}, ${job.literal(s.child.display)}, 0, v_started, true);
            p_phase := 'cache';
<#else>
        ELSIF v_next = ${s.edgeId} THEN
            v_edge := ${s.edgeId};
            v_table := ${job.literal(s.child.display)};
            v_action := 'cache';
<@insertBackup s=s indent="            "/>
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            PERFORM ${job.schema}.note_cache(p_run, ${s.edgeId}, v_table, v_rows, v_started, true);
            p_phase := 'cache';
            p_rows := p_rows + v_rows;
</#if>
</#if>
</#list>

<#list job.nullifies as n>

        -- Edge ${n.edgeId}: ${lib.line(n.description)}
        ELSIF v_next = ${n.edgeId} THEN
            v_edge := ${n.edgeId};
            v_table := ${job.literal(n.childDisplay)};
            v_action := 'cache';
<#list n.uniqueChecks as u>
            -- Re-pointing must not give two rows one value of the unique key ${lib.line(u.name)} (${lib.line(u.columns)}):
            -- checked before anything is changed (docs/design.md#re-pointing).
            v_action := 'unique check';
            ${u.count("v_rows")};
            IF v_rows > 0 THEN
                RAISE EXCEPTION '%', ${job.literal("declutter: re-pointing the rows of " + n.childDisplay + " that reference a duplicate to the kept row would give ")}
                    || v_rows || ${job.literal(" of them the value of the unique key " + u.name + " (" + u.columns + ") that another row has. Nothing was re-pointed or deleted. Merge or delete those rows first (or purge the children with the duplicates: children: purge), then run again.")};
            END IF;
            v_action := 'cache';
</#list>
            WITH cached AS MATERIALIZED (SELECT ${n.keyList("x")} FROM ${n.backup} AS x WHERE x.declutter_run = p_run)
            INSERT INTO ${n.backup} (declutter_run, ${n.storedList("")})
            SELECT p_run, ${n.storedList("c")}
              FROM ${n.childTable} AS c
             WHERE EXISTS (SELECT 1 FROM ${n.parent.backup} AS p
                            WHERE p.declutter_run = p_run AND ${n.parentMatch})
               AND NOT EXISTS (SELECT 1 FROM cached AS x WHERE ${n.keyMatch("x", "c")});
            GET DIAGNOSTICS v_rows = ROW_COUNT;
            PERFORM ${job.schema}.note_cache(p_run, ${n.edgeId}, v_table, v_rows, v_started, true);
            p_phase := 'cache';
            p_rows := p_rows + v_rows;
</#list>
        END IF;
        -- Small units (see above): the next one follows, if it is pending, the call is young and under the batch size
        -- and has run fewer than 64 units' statements.
        IF NOT v_skip THEN
            v_ran := v_ran + 1;
        END IF;
        EXIT units WHEN p_rows >= p_max_rows OR v_ran >= 64 OR clock_timestamp() >= p_started + interval '1 second';
        v_pos := v_pos + 1;
        v_next := v_order[v_pos];
        EXIT units WHEN v_next IS NULL
                     OR NOT (SELECT k.status = 'pending' FROM ${job.schema}.control AS k
                              WHERE k.job = ${job.nameLiteral} AND k.edge_id = v_next AND k.run_id = p_run);
        v_started := clock_timestamp();
    END LOOP;

    -- p_phase is 'cache' if this call cached a unit; it stays NULL when every unit was cached already.
EXCEPTION
    WHEN OTHERS OR query_canceled THEN
        GET STACKED DIAGNOSTICS p_sqlstate = RETURNED_SQLSTATE, p_message = MESSAGE_TEXT;
        p_edge := v_edge;
        p_table := v_table;
        p_action := v_action;
        p_phase := NULL;
        p_rows := 0;
END
${tags.proc};
