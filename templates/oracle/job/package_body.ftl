<#import "../lib.ftl" as lib>
<#-- Cache INSERT of one edge (or the root): rows already in the backup are not stored twice. -->
<#macro insertBackup s indent>
${indent}INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
${indent}SELECT p_run, ${s.child.columnList("c")}
${indent}  FROM ${s.child.table} c
<#if s.parent??>
${indent} WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} p
${indent}                WHERE p.declutter_run = p_run AND ${s.parentMatch})
<#else>
${indent} WHERE ${ora.rootFilter}
</#if>
${indent}   AND NOT EXISTS (SELECT 1 FROM ${s.child.backup} x
${indent}                    WHERE x.declutter_run = p_run AND ${s.child.keyMatch("x", "c")});
</#macro>
<#-- Locks rows (ROWIDs into v_rowids), waiting at most the job's lock timeout; then a FORALL over them. -->
<#macro lockRows table alias where indent>
${indent}SELECT ${alias}.ROWID BULK COLLECT INTO v_rowids
${indent}  FROM ${table} ${alias}
${indent} WHERE ${where}
${indent}   FOR UPDATE WAIT ${ora.lockWait};
</#macro>
<#-- Locks the rows of a table that a backup range names (ROWIDs into a collection) in backup sequence order: a FORALL
     over them then deletes in that order (it runs its statement once per row, in index order). -->
<#macro lockOrdered table alias into backup key keyMatch where order indent>
${indent}SELECT ${alias}.ROWID BULK COLLECT INTO ${into}
${indent}  FROM ${table} ${alias}, ${backup} b
${indent} WHERE ${where}
${indent}   AND ${keyMatch}
${indent} ORDER BY b.declutter_seq${order}
${indent}   FOR UPDATE OF ${alias}.${key} WAIT ${ora.lockWait};
</#macro>
<#-- After a delete through an ON DELETE CASCADE / SET NULL / SET DEFAULT edge: a child row committed under the deleted
     parents (as of now) that the backup does not hold was inserted after the catch-up and went with the delete:
     undo the unit and retry (ORA-20010); the next catch-up backs it up. -->
<#macro lateRowCheck child childBackup keyMatch parentBackup parentMatch range indent>
${indent}v_scn := DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER;
${indent}SELECT COUNT(*) INTO v_late
${indent}  FROM ${child} AS OF SCN v_scn c
${indent} WHERE EXISTS (SELECT 1 FROM ${parentBackup} p
${indent}                WHERE p.declutter_run = p_run AND ${range}
${indent}                  AND ${parentMatch})
${indent}   AND NOT EXISTS (SELECT 1 FROM ${childBackup} x
${indent}                    WHERE x.declutter_run = p_run AND ${keyMatch})
${indent}   AND ROWNUM = 1;
${indent}IF v_late > 0 THEN
${indent}    RAISE_APPLICATION_ERROR(-20010, 'declutter: a row of ' || v_table || ' was inserted under the rows being'
${indent}        || ' deleted after they were caught up (edge ' || v_edge || '); the unit is undone and retried');
${indent}END IF;
</#macro>
<#-- The late-row checks of the edges whose parents are the rows a delete just removed: the batch (fromBatch) or the
     rows of a finished table caught up in this unit. -->
<#macro lateRowChecks t batch batchRange parentTable restoreEdge restoreTable indent>
<#local steps = t.catchUp?filter(s -> ((batch && s.fromBatch) || (!batch && !s.fromBatch && s.parent.table == parentTable)) && ora.resets(s.edgeId))>
<#local records = t.catchUpNullifies?filter(u -> ((batch && u.fromBatch) || (!batch && !u.fromBatch && u.parent.table == parentTable)) && ora.resets(u.edge.edgeId))>
<#list steps as s>
${indent}-- Edge ${s.edgeId} (${lib.line(s.description)}): rows inserted since the catch-up that the delete took with it?
${indent}v_edge := ${s.edgeId};
${indent}v_table := ${lit(s.child.display)};
${indent}v_action := 'late-row check';
<@lateRowCheck child=s.child.table childBackup=s.child.backup keyMatch=s.child.keyMatch("x", "c") parentBackup=s.parent.backup parentMatch=s.parentMatch indent=indent
    range=batch?then(batchRange, "p.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n" + indent + "                                                          WHERE k.run_id = p_run AND k.edge_id = " + s.parent.primaryEdge + ")")/>
</#list>
<#list records as u>
${indent}-- Edge ${u.edge.edgeId} (${lib.line(u.edge.description)}): rows the delete reset without their values recorded?
${indent}v_edge := ${u.edge.edgeId};
${indent}v_table := ${lit(u.edge.childDisplay)};
${indent}v_action := 'late-row check';
<@lateRowCheck child=u.edge.childTable childBackup=u.edge.backup keyMatch=u.edge.keyMatch("x", "c") parentBackup=u.parent.backup parentMatch=u.edge.parentMatch indent=indent
    range=batch?then(batchRange, "p.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n" + indent + "                                                          WHERE k.run_id = p_run AND k.edge_id = " + u.parent.primaryEdge + ")")/>
</#list>
<#if steps?has_content || records?has_content>
${indent}v_edge := ${restoreEdge};
${indent}v_table := ${lit(restoreTable)};
</#if>
</#macro>
<#function lit text><#return lib.lit(text)></#function>
<#-- The key columns as the left side of IN: a bare column, or a parenthesized list for a composite key. -->
<#function tuple table alias><#return (table.key?size > 1)?then("(" + table.keyList(alias) + ")", table.keyList(alias))></#function>
<#include "step_unit.ftl">
<#-- Whether some batch defers constraints: a deferred unit, or catch-up deletes of rows of one. -->
<#assign defers = job.tables?filter(t -> t.unit?? || t.deferCatchUp?has_content)?has_content>
<@lib.header object="package body ${ora.pkg}" purpose="the job's procedures; every unit is set-based SQL per edge or per batch and ends in the control table, so a run interrupted anywhere resumes where it stopped"/>
--
-- Oracle specifics: rows reached by several paths are stored once (INSERT ... SELECT ... WHERE NOT EXISTS);
-- the backup's sequence column (declutter_seq, an ORDER sequence) orders the delete batches; every row a unit changes is first
-- locked with SELECT ... FOR UPDATE WAIT ${ora.lockWait} (Oracle DML has no lock timeout) and then changed through
-- its ROWID in a FORALL bulk bind; one session per job holds its DBMS_LOCK user lock (${job.schema}.LOCK_JOB).
-- Retried rather than failed: ORA-30006/ORA-00054 (lock wait), ORA-00060 (deadlock), ORA-02292 (a child row
-- inserted concurrently, caught up by the next attempt), ORA-20010 (the same through an ON DELETE CASCADE / SET NULL
-- edge, found after the delete), ORA-01013 (call cancelled, e.g. the runner's statement timeout) and ORA-00040
-- (Resource Manager time limit).
--
-- Rows inserted during a batch: Oracle does not make a child insert wait for a parent row locked FOR UPDATE (only
-- for one deleted or whose key changed), so locking the batch cannot keep new children out between the catch-up and
-- the delete. Through a NO ACTION edge such a child makes the delete fail (ORA-02292, retried). Through a CASCADE,
-- SET NULL or SET DEFAULT edge the delete would take it silently, without a backup: so after each such delete the
-- unit reads the children as committed now (a flashback query at the current SCN: once the parents are deleted, no
-- new child can commit under them) and, if one is not in the backup, undoes the unit and retries; the next catch-up
-- backs it up.
CREATE OR REPLACE PACKAGE BODY ${ora.pkg} AS

    c_job CONSTANT VARCHAR2(128) := ${job.nameLiteral};

    TYPE t_rowids IS TABLE OF UROWID INDEX BY PLS_INTEGER;

    e_lock_wait   EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_lock_wait, -30006);
    e_busy        EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_busy, -54);
    e_deadlock    EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_deadlock, -60);
    e_child_found EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_child_found, -2292);
    e_cancelled   EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_cancelled, -1013);
    e_time_limit  EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_time_limit, -40);
    e_late_row    EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_late_row, -20010);

    FUNCTION pending(p_run IN NUMBER, p_edge IN NUMBER) RETURN BOOLEAN IS
        v_count PLS_INTEGER;
    BEGIN
        SELECT COUNT(*) INTO v_count FROM ${job.schema}.CONTROL
         WHERE run_id = p_run AND edge_id = p_edge AND status = 'pending';
        RETURN v_count > 0;
    END pending;

    -- What V$SESSION shows while a unit works: ACTION (at most 32 bytes) and CLIENT_INFO (64 bytes).
    PROCEDURE show(p_run IN NUMBER, p_action IN VARCHAR2, p_edge IN NUMBER, p_table IN VARCHAR2) IS
    BEGIN
        DBMS_APPLICATION_INFO.SET_ACTION(SUBSTRB('run ' || p_run || ' ' || p_action || ' e' || p_edge, 1, 32));
        DBMS_APPLICATION_INFO.SET_CLIENT_INFO(SUBSTRB(p_table, 1, 64));
    END show;

    PROCEDURE step(
        p_run        IN  NUMBER,
        p_max_rows   IN  NUMBER,
        p_cache_only IN  NUMBER DEFAULT 0,
        p_phase      OUT VARCHAR2,
        p_rows       OUT NUMBER,
        p_remaining  OUT NUMBER)
    IS
        v_status  VARCHAR2(20);
        v_wm      NUMBER;
        v_upper   NUMBER;
        v_rows    NUMBER;
        v_round   NUMBER;
        v_mark    NUMBER;
        v_edge    NUMBER;
        v_table   VARCHAR2(400);
        v_action  VARCHAR2(30) := 'start';
        v_started TIMESTAMP WITH TIME ZONE := SYSTIMESTAMP;
        v_message VARCHAR2(4000);
        v_batch   t_rowids;
        v_rowids  t_rowids;
        v_scn     NUMBER;
        v_late    PLS_INTEGER;
<#if defers>
        v_from    NUMBER;
        v_deferred VARCHAR2(4000);  -- the constraints this unit deferred (SET CONSTRAINTS list), until checked
</#if>
    BEGIN
        p_rows := 0;
        -- The run row stays locked for this unit: a rollback of the run waits for it, and the next unit stops.
        BEGIN
            SELECT status INTO v_status FROM ${job.schema}.RUN
             WHERE run_id = p_run AND job = c_job
               FOR UPDATE WAIT ${ora.lockWait};
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                RAISE_APPLICATION_ERROR(-20003, 'declutter: run ' || p_run || ' of job ${job.name} does not exist.'
                    || ' See the runs with: SELECT * FROM ${job.schema}.RUN WHERE job = ''${job.name}''');
            WHEN e_lock_wait THEN
                p_phase := 'busy';
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
        END;
        IF v_status NOT IN ('running', 'failed') THEN
            RAISE_APPLICATION_ERROR(-20004, 'declutter: run ' || p_run || ' of job ${job.name} is ' || v_status
                || ', it has no work left');
        END IF;
        IF p_max_rows IS NULL OR p_max_rows < 1 THEN
            RAISE_APPLICATION_ERROR(-20005, 'declutter: batch size must be at least 1, got ' || NVL(TO_CHAR(p_max_rows), 'NULL'));
        END IF;

        -- One session at a time works on a job (the runner holds the same lock for its whole session).
        IF ${job.schema}.LOCK_JOB(c_job) = 0 THEN
            p_phase := 'busy';
            p_remaining := ${job.schema}.REMAINING(p_run);
            RETURN;
        END IF;
        DBMS_APPLICATION_INFO.SET_MODULE(SUBSTRB('declutter:' || c_job, 1, 48), SUBSTRB('run ' || p_run, 1, 32));

        -- A failed unit is undone to here; the run row lock and the job lock stay until the caller commits.
        SAVEPOINT declutter_unit;
        BEGIN
            -- ==== Cache: root to leaves (descending height); rows reached by several paths are stored once ====
<#list job.cacheUnits as u>

<#if u.fixpoint>
            -- Cycle group ${u.cycleGroup} (${lib.line(u.first().child.display)}): repeat until a round finds no new rows.
<#list u.steps as s>
            --   edge ${s.edgeId}: ${lib.line(s.description)}
</#list>
            IF pending(p_run, ${u.first().edgeId}) THEN
                v_action := 'cache';
                LOOP
                    v_round := 0;
<#list u.steps as s>
                    v_edge := ${s.edgeId};
                    v_table := ${lit(s.child.display)};
                    show(p_run, v_action, v_edge, v_table);
<@insertBackup s=s indent="                    "/>
                    v_rows := SQL%ROWCOUNT;
                    ${job.schema}.NOTE_CACHE(p_run, ${s.edgeId}, v_table, v_rows, v_started, 0);
                    v_round := v_round + v_rows;
                    p_rows := p_rows + v_rows;
</#list>
                    EXIT WHEN v_round = 0;
                END LOOP;
<#if u.tree??>
<#assign tr = u.tree>
                -- ${lib.line(tr.display)} is a tree through a NOT NULL self-reference: number its backup rows of this run
                -- deepest first (depth: the longest path down from a row whose parent is not in the backup, found by a
                -- hierarchical query; rows on a cycle no such path reaches count as depth 0), so that delete batches,
                -- in sequence order, always take children before their parents. The new numbers are 1 to the row count:
                -- no higher than the highest value the sequence gave these rows, so rows caught up later (the
                -- sequence's next values) still number after them.
                v_table := ${lit(tr.display)};
                v_action := 'cache depth';
                show(p_run, v_action, v_edge, v_table);
                MERGE INTO ${tr.backup} o
                USING (SELECT r.ROWID AS rid,
                              ROW_NUMBER() OVER (ORDER BY NVL(d.depth, 0) DESC, r.declutter_seq) AS renumbered
                         FROM ${tr.backup} r
                         LEFT JOIN (SELECT b.declutter_seq, MAX(LEVEL) - 1 AS depth
                                      FROM ${tr.backup} b
                                     START WITH b.declutter_run = p_run
                                            AND NOT EXISTS (SELECT 1 FROM ${tr.backup} p
                                                             WHERE p.declutter_run = p_run
                                                               AND p.declutter_seq <> b.declutter_seq
                                                               AND (${tr.treeRootParent}))
                                   CONNECT BY NOCYCLE b.declutter_run = PRIOR b.declutter_run
                                          AND b.declutter_seq <> PRIOR b.declutter_seq
                                          AND (${ora.x(tr).treeConnect})
                                     GROUP BY b.declutter_seq) d
                                ON d.declutter_seq = r.declutter_seq
                        WHERE r.declutter_run = p_run) n
                   ON (o.ROWID = n.rid)
                 WHEN MATCHED THEN UPDATE SET o.declutter_seq = n.renumbered;
</#if>
                UPDATE ${job.schema}.CONTROL SET status = 'cached', finished_at = SYSTIMESTAMP
                 WHERE run_id = p_run AND edge_id IN (<#list u.steps as s>${s.edgeId}<#sep>, </#sep></#list>);
                p_phase := 'cache';
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
            END IF;
<#else>
<#assign s = u.first()>
            -- Edge ${s.edgeId}: ${lib.line(s.description)}
            IF pending(p_run, ${s.edgeId}) THEN
                v_edge := ${s.edgeId};
                v_table := ${lit(s.child.display)};
                v_action := 'cache';
                show(p_run, v_action, v_edge, v_table);
<@insertBackup s=s indent="                "/>
                v_rows := SQL%ROWCOUNT;
                ${job.schema}.NOTE_CACHE(p_run, ${s.edgeId}, v_table, v_rows, v_started, 1);
                p_phase := 'cache';
                p_rows := v_rows;
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
            END IF;
</#if>
</#list>
<#list job.nullifies as n>

            -- Edge ${n.edgeId}: ${lib.line(n.description)}
            -- The rows stay; record the values the database will reset when their parents are deleted.
            IF pending(p_run, ${n.edgeId}) THEN
                v_edge := ${n.edgeId};
                v_table := ${lit(n.childDisplay)};
                v_action := 'cache';
                show(p_run, v_action, v_edge, v_table);
                INSERT INTO ${n.backup} (declutter_run, ${n.storedList("")})
                SELECT p_run, ${n.storedList("c")}
                  FROM ${n.childTable} c
                 WHERE EXISTS (SELECT 1 FROM ${n.parent.backup} p
                                WHERE p.declutter_run = p_run AND ${n.parentMatch})
                   AND NOT EXISTS (SELECT 1 FROM ${n.backup} x
                                    WHERE x.declutter_run = p_run AND ${n.keyMatch("x", "c")});
                v_rows := SQL%ROWCOUNT;
                ${job.schema}.NOTE_CACHE(p_run, ${n.edgeId}, v_table, v_rows, v_started, 1);
                p_phase := 'cache';
                p_rows := v_rows;
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
            END IF;
</#list>

            IF p_cache_only = 1 THEN
                p_phase := 'cached';
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
            END IF;

            -- ==== Delete: leaves to root (ascending height), one batch of backup keys per call ====
<#list job.tables as t>
<#if t.unit??>
<@unitBatch t=t/>
<#else>

            -- ${lib.line(t.display)} (height ${t.height}): progress on edge ${t.primaryEdge}
            BEGIN
                SELECT watermark INTO v_wm FROM ${job.schema}.CONTROL
                 WHERE run_id = p_run AND edge_id = ${t.primaryEdge} AND status <> 'deleted';
            EXCEPTION
                WHEN NO_DATA_FOUND THEN
                    v_wm := NULL;
            END;
            IF v_wm IS NOT NULL THEN
                v_edge := ${t.primaryEdge};
                v_table := ${lit(t.display)};
                v_action := 'delete';
                show(p_run, v_action, v_edge, v_table);
                -- The batch: the next p_max_rows backup rows after the watermark.
                SELECT MAX(s.declutter_seq) INTO v_upper
                  FROM (SELECT b.declutter_seq FROM ${t.backup} b
                         WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm
                         ORDER BY b.declutter_seq) s
                 WHERE ROWNUM <= p_max_rows;
                v_rows := 0;
                IF v_upper IS NOT NULL THEN
<#assign batchRange = t.childrenFirst?then("(p.declutter_seq > v_wm AND p.declutter_seq <= v_upper OR p.declutter_seq > v_mark)", "p.declutter_seq > v_wm AND p.declutter_seq <= v_upper")>
<#if t.childrenFirst>
                    -- ${lib.line(t.display)} is a tree through a NOT NULL self-reference, numbered deepest first: the
                    -- batch rows are locked, and deleted below, in sequence order, children before their parents (a
                    -- FORALL runs its statement once per row, in index order, each checked on its own).
                    SELECT MAX(b.declutter_seq) INTO v_mark FROM ${t.backup} b WHERE b.declutter_run = p_run;
                    v_action := 'lock';
<@lockOrdered table=t.table alias="t" into="v_batch" backup=t.backup key=t.key[0] keyMatch=t.keyMatch("t", "b") order="" indent="                    "
    where="b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper"/>
<#else>
                    -- Lock the batch rows first: the statements below then never wait on them.
                    v_action := 'lock';
                    SELECT t.ROWID BULK COLLECT INTO v_batch
                      FROM ${t.table} t
                     WHERE ${tuple(t, "t")} IN (SELECT ${t.keyList("b")} FROM ${t.backup} b
                                       WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm
                                         AND b.declutter_seq <= v_upper)
                       FOR UPDATE WAIT ${ora.lockWait};
</#if>
<#if t.catchUp?has_content || t.catchUpNullifies?has_content>
                    -- Catch-up: rows inserted since the cache that reference this batch (directly, or through rows
                    -- caught up here) are backed up now and deleted below, so they neither block nor escape the purge.
                    -- (Oracle does not make a child insert wait for a parent locked FOR UPDATE: a child inserted
                    -- after this point makes the delete fail with ORA-02292, or, through a CASCADE or SET NULL edge,
                    -- is found by the late-row check after the delete; either way the batch is retried.)
<#if t.catchUpRepeats>
                    -- Rows caught up in a cycle or a tree below can have children caught up only in the next round:
                    -- repeat until a round finds nothing new.
                    LOOP
                    v_round := 0;
</#if>
<#list t.catchUp as s>
                    v_edge := ${s.edgeId};
                    v_table := ${lit(s.child.display)};
                    v_action := 'catch-up';
<#if s.selfLoop>
                    LOOP -- late rows of the tree, and their late children, until none is left
</#if>
                    INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
                    SELECT p_run, ${s.child.columnList("c")}
                      FROM ${s.child.table} c
                     WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} p
                                    WHERE p.declutter_run = p_run<#if s.fromBatch> AND ${batchRange}<#else>
                                      AND p.declutter_seq > (SELECT k.watermark FROM ${job.schema}.CONTROL k
                                                              WHERE k.run_id = p_run AND k.edge_id = ${s.parent.primaryEdge})</#if>
                                      AND ${s.parentMatch})
                       AND NOT EXISTS (SELECT 1 FROM ${s.child.backup} x
                                        WHERE x.declutter_run = p_run AND ${s.child.keyMatch("x", "c")});
                    v_rows := SQL%ROWCOUNT;
                    IF v_rows > 0 THEN
                        ${job.schema}.NOTE_CATCHUP(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
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
                    v_table := ${lit(u.edge.childDisplay)};
                    v_action := 'catch-up';
                    INSERT INTO ${u.edge.backup} (declutter_run, ${u.edge.storedList("")})
                    SELECT p_run, ${u.edge.storedList("c")}
                      FROM ${u.edge.childTable} c
                     WHERE EXISTS (SELECT 1 FROM ${u.parent.backup} p
                                    WHERE p.declutter_run = p_run<#if u.fromBatch> AND ${batchRange}<#else>
                                      AND p.declutter_seq > (SELECT k.watermark FROM ${job.schema}.CONTROL k
                                                              WHERE k.run_id = p_run AND k.edge_id = ${u.parent.primaryEdge})</#if>
                                      AND ${u.edge.parentMatch})
                       AND NOT EXISTS (SELECT 1 FROM ${u.edge.backup} x
                                        WHERE x.declutter_run = p_run AND ${u.edge.keyMatch("x", "c")});
                    v_rows := SQL%ROWCOUNT;
                    IF v_rows > 0 THEN
                        ${job.schema}.NOTE_CATCHUP(p_run, ${u.edge.edgeId}, v_table, NULL, v_rows, v_started);
                    END IF;
</#list>
<#if t.deferCatchUp?has_content>
                    -- Some of the rows caught up below belong to a cycle broken through DEFERRABLE foreign keys (a
                    -- deferred unit): its constraints are deferred while they go, and checked right after.
                    v_action := 'defer';
                    EXECUTE IMMEDIATE ${lit("SET CONSTRAINTS " + t.deferCatchUp + " DEFERRED")};
                    v_deferred := ${lit(t.deferCatchUp)};
</#if>
<#list t.catchUpDeletes as d>
<#assign lateRows = "b.declutter_run = p_run\n                                  AND b.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n                                                          WHERE k.run_id = p_run AND k.edge_id = " + d.primaryEdge + ")">
                    v_edge := ${d.primaryEdge};
                    v_table := ${lit(d.display)};
<#list d.detaches as x>
                    -- Detach (edge ${x.edgeId}, ${lib.line(x.constraint)}) before the catch-up delete of ${lib.line(d.display)}: purged
                    -- ${lib.line(x.childDisplay)} rows that point at the rows caught up there<#if x.selfReference> (the caught-up rows themselves
                    -- included: the delete runs once per row)</#if> are set to null first, or that delete would fail
                    -- (ORA-02292) on every attempt; rollback puts the values back from the backup.
                    v_action := 'catch-up detach';
<@lockRows table=x.childTable alias="c" indent="                    " where="EXISTS (SELECT 1 FROM " + d.backup + " b\n                                WHERE " + lateRows + "\n                                  AND " + x.refMatch + ")\n                   AND EXISTS (SELECT 1 FROM " + x.childBackup + " k\n                                WHERE k.declutter_run = p_run AND " + x.keyMatch("k", "c") + ")"/>
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            UPDATE ${x.childTable} SET ${x.setNull} WHERE ROWID = v_rowids(i);
                    END IF;
</#list>
                    v_action := 'catch-up delete';
                    SELECT MAX(b.declutter_seq) INTO v_round FROM ${d.backup} b WHERE b.declutter_run = p_run;
<#if d.childrenFirst>
                    -- A tree through a NOT NULL self-reference: its late rows go children first (each was caught up
                    -- after its parent, so in descending sequence order).
<@lockOrdered table=d.table alias="t" into="v_rowids" backup=d.backup key=d.key[0] keyMatch=d.keyMatch("t", "b") order=" DESC" indent="                    "
    where="b.declutter_run = p_run\n                       AND b.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n                                               WHERE k.run_id = p_run AND k.edge_id = " + d.primaryEdge + ")"/>
<#else>
<@lockRows table=d.table alias="t" indent="                    " where=tuple(d, "t") + " IN (SELECT " + d.keyList("b") + " FROM " + d.backup + " b\n                                       WHERE b.declutter_run = p_run\n                                         AND b.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n                                                                 WHERE k.run_id = p_run AND k.edge_id = " + d.primaryEdge + "))"/>
</#if>
                    v_rows := 0;
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            DELETE FROM ${d.table} WHERE ROWID = v_rowids(i);
                        v_rows := SQL%ROWCOUNT;
<@lateRowChecks t=t batch=false batchRange=batchRange parentTable=d.table restoreEdge=d.primaryEdge restoreTable=d.display indent="                        "/>
                        ${job.schema}.NOTE_CATCHUP(p_run, ${d.primaryEdge}, v_table, v_round, v_rows, v_started);
                    END IF;
</#list>
<#if t.deferCatchUp?has_content>
                    v_action := 'deferred check';
                    EXECUTE IMMEDIATE ${lit("SET CONSTRAINTS " + t.deferCatchUp + " IMMEDIATE")};
                    v_deferred := NULL;
</#if>
<#if t.childrenFirst>
                    -- Late rows of this tree caught up above go now, children first, before their parents in the batch
                    -- (their sequence numbers lie beyond the batch; later batches find them gone).
                    v_edge := ${t.primaryEdge};
                    v_table := ${lit(t.display)};
                    v_action := 'catch-up delete';
<@lockOrdered table=t.table alias="t" into="v_rowids" backup=t.backup key=t.key[0] keyMatch=t.keyMatch("t", "b") order=" DESC" indent="                    "
    where="b.declutter_run = p_run AND b.declutter_seq > v_mark"/>
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            DELETE FROM ${t.table} WHERE ROWID = v_rowids(i);
                        v_rows := SQL%ROWCOUNT;
                        ${job.schema}.NOTE_CATCHUP(p_run, ${t.primaryEdge}, v_table, v_wm, v_rows, v_started);
                    END IF;
</#if>
                    v_edge := ${t.primaryEdge};
                    v_table := ${lit(t.display)};
</#if>
<#list t.detaches as d>
                    -- Detach (edge ${d.edgeId}, ${lib.line(d.constraint)}): purged ${lib.line(d.childDisplay)} rows that point into this batch<#if d.selfReference>,
                    -- the batch rows themselves included (the delete below runs once per row, so a parent deleted before
                    -- its child in the same batch would fail with ORA-02292)</#if>.
                    v_action := 'detach';
<@lockRows table=d.childTable alias="c" indent="                    " where="EXISTS (SELECT 1 FROM " + t.backup + " b\n                                WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper\n                                  AND " + d.refMatch + ")\n                   AND EXISTS (SELECT 1 FROM " + d.childBackup + " k\n                                WHERE k.declutter_run = p_run AND " + d.keyMatch("k", "c") + ")"/>
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            UPDATE ${d.childTable} SET ${d.setNull} WHERE ROWID = v_rowids(i);
                    END IF;
</#list>
                    v_action := 'delete';
                    v_rows := 0;
                    IF v_batch.COUNT > 0 THEN
                        FORALL i IN 1 .. v_batch.COUNT
                            DELETE FROM ${t.table} WHERE ROWID = v_batch(i);
                        v_rows := SQL%ROWCOUNT;
<@lateRowChecks t=t batch=true batchRange=batchRange parentTable="" restoreEdge=t.primaryEdge restoreTable=t.display indent="                        "/>
                    END IF;
                END IF;
                ${job.schema}.NOTE_DELETE(p_run, ${t.primaryEdge}, v_table, v_upper, v_rows, v_started);
                p_phase := 'delete';
                p_rows := v_rows;
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
            END IF;
</#if>
</#list>

            -- ==== Everything is deleted ====
            ${job.schema}.FINISH_RUN(p_run, 'done');
            p_phase := 'done';
            p_remaining := 0;
        EXCEPTION
            WHEN e_lock_wait OR e_busy OR e_deadlock OR e_child_found OR e_late_row OR e_cancelled OR e_time_limit THEN
                v_message := SUBSTRB(SQLERRM, 1, 3000);
                ROLLBACK TO SAVEPOINT declutter_unit;
<#if defers>
                IF v_deferred IS NOT NULL THEN
                    -- Undone to the savepoint: nothing is left to check; the constraints go back to IMMEDIATE.
                    EXECUTE IMMEDIATE 'SET CONSTRAINTS ' || v_deferred || ' IMMEDIATE';
                END IF;
</#if>
                ${job.schema}.NOTE_ERROR(p_run, v_edge, v_table, v_action, v_message, 1, v_started);
                p_phase := 'retry';
                p_rows := 0;
                p_remaining := ${job.schema}.REMAINING(p_run);
            WHEN OTHERS THEN
                v_message := SUBSTRB(SQLERRM || ' ' || DBMS_UTILITY.FORMAT_ERROR_BACKTRACE, 1, 3000);
                ROLLBACK TO SAVEPOINT declutter_unit;
<#if defers>
                IF v_deferred IS NOT NULL THEN
                    -- Undone to the savepoint: nothing is left to check; the constraints go back to IMMEDIATE.
                    EXECUTE IMMEDIATE 'SET CONSTRAINTS ' || v_deferred || ' IMMEDIATE';
                END IF;
</#if>
                ${job.schema}.NOTE_ERROR(p_run, v_edge, v_table, v_action, v_message, 0, v_started);
                p_phase := 'failed';
                p_rows := 0;
                p_remaining := ${job.schema}.REMAINING(p_run);
        END;
    END step;

    PROCEDURE cache_run(
        p_run IN NUMBER)
    IS
        v_phase     VARCHAR2(20);
        v_rows      NUMBER;
        v_remaining NUMBER;
        v_error     VARCHAR2(4000);
    BEGIN
        LOOP
            step(p_run, 1, 1, v_phase, v_rows, v_remaining);
            COMMIT;
            EXIT WHEN v_phase <> 'cache';
        END LOOP;
        IF v_phase IN ('failed', 'retry', 'busy') THEN
            SELECT last_error INTO v_error FROM ${job.schema}.RUN WHERE run_id = p_run;
            RAISE_APPLICATION_ERROR(-20006, 'declutter: caching run ' || p_run || ' stopped (' || v_phase || '): '
                || v_error);
        END IF;
    END cache_run;

    PROCEDURE delete_run(
        p_run        IN NUMBER,
        p_batch_size IN NUMBER                   DEFAULT ${job.batchSize},
        p_deadline   IN TIMESTAMP WITH TIME ZONE DEFAULT NULL)
    IS
        v_phase     VARCHAR2(20);
        v_rows      NUMBER;
        v_remaining NUMBER;
        v_retries   PLS_INTEGER := 0;
        v_pause     NUMBER;
        v_error     VARCHAR2(4000);
        v_cached    NUMBER;
        v_deleted   NUMBER;
        v_rindex    BINARY_INTEGER := DBMS_APPLICATION_INFO.SET_SESSION_LONGOPS_NOHINT;
        v_slno      BINARY_INTEGER;
    BEGIN
        LOOP
            EXIT WHEN p_deadline IS NOT NULL AND SYSTIMESTAMP >= p_deadline;
            SELECT pause_requested INTO v_pause FROM ${job.schema}.RUN WHERE run_id = p_run;
            EXIT WHEN v_pause = 1;
            step(p_run, p_batch_size, 0, v_phase, v_rows, v_remaining);
            COMMIT;
            -- Progress in V$SESSION_LONGOPS: rows deleted of rows cached.
            SELECT NVL(SUM(rows_cached), 0), NVL(SUM(rows_deleted), 0) INTO v_cached, v_deleted
              FROM ${job.schema}.CONTROL WHERE run_id = p_run AND strategy = 'delete';
            DBMS_APPLICATION_INFO.SET_SESSION_LONGOPS(
                rindex      => v_rindex,
                slno        => v_slno,
                op_name     => SUBSTRB('declutter:' || c_job, 1, 64),
                target_desc => 'run ' || p_run,
                context     => p_run,
                sofar       => v_deleted,
                totalwork   => v_cached,
                units       => 'rows');
            EXIT WHEN v_phase IN ('done', 'failed', 'busy');
            IF v_phase = 'retry' THEN
                v_retries := v_retries + 1;
                ${ora.sleep}(LEAST(60, POWER(2, LEAST(v_retries, 6))));
            ELSE
                v_retries := 0;
            END IF;
        END LOOP;
        IF v_phase = 'busy' THEN
            DBMS_OUTPUT.PUT_LINE('declutter: another session is working on job ${job.name}; run ' || p_run || ' left to it');
        END IF;
        IF v_phase = 'failed' THEN
            SELECT last_error INTO v_error FROM ${job.schema}.RUN WHERE run_id = p_run;
            RAISE_APPLICATION_ERROR(-20008, 'declutter: run ' || p_run || ' failed: ' || v_error
                || '. Fix the cause and call DELETE_RUN again: the run resumes where it stopped.');
        END IF;
    END delete_run;

<#if job.backup>
    PROCEDURE rollback_run(
        p_run IN NUMBER)
    IS
        v_status  VARCHAR2(20);
        v_rows    NUMBER;
        v_started TIMESTAMP WITH TIME ZONE;
    BEGIN
        -- FOR UPDATE waits for a purge unit in progress; the step procedure then refuses to continue.
        BEGIN
            SELECT status INTO v_status FROM ${job.schema}.RUN WHERE run_id = p_run AND job = c_job FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                RAISE_APPLICATION_ERROR(-20003, 'declutter: run ' || p_run || ' of job ${job.name} does not exist.'
                    || ' See the runs with: SELECT * FROM ${job.schema}.RUN WHERE job = ''${job.name}''');
        END;
        DBMS_APPLICATION_INFO.SET_MODULE(SUBSTRB('declutter:' || c_job, 1, 48), SUBSTRB('rollback run ' || p_run, 1, 32));
        UPDATE ${job.schema}.RUN SET status = 'rolling back', pause_requested = 0 WHERE run_id = p_run;
        INSERT INTO ${job.schema}.LOG (run_id, action, started_at, message)
        VALUES (p_run, 'begin', SYSTIMESTAMP, 'rollback');
        COMMIT;
<#list job.restoreOrder() as t>
<#assign x = ora.x(t)>

        -- ${lib.line(t.display)} (height ${t.height})
        v_started := SYSTIMESTAMP;
        show(p_run, 'restore', ${t.primaryEdge}, ${lit(t.display)});
<#-- The tables whose identities open before this restore and sync after it: this one, or a deferred unit's all at
     once (their restore is one transaction, and the identity procedures run DDL, which commits). -->
<#assign opens = t.unit???then((t.unitOrdinal == t.unit.tables?size)?then(t.unit.tables, []), [t])>
<#assign syncs = t.unit???then((t.unitOrdinal == 1)?then(t.unit.tables, []), [t])>
<#list opens as m>
<#assign mx = ora.x(m)>
<#list mx.identities as i>
<#if i.always>
        -- <#if t.unit??>${lib.line(m.display)}.</#if>${lib.line(i.column)} is GENERATED ALWAYS: BY DEFAULT while its old values go back in.
        ${job.schema}.OPEN_IDENTITY(${lit(mx.ownerName)}, ${lit(mx.tableName)}, ${lit(i.column)}, ${ora.lockWait});
</#if>
</#list>
</#list>
<#if t.unit?? && t.unitOrdinal == t.unit.tables?size>
        -- Deferred unit ${t.unit.id}: its tables reference each other through DEFERRABLE foreign keys, so they are restored
        -- in one transaction with those constraints deferred, and checked (SET CONSTRAINTS ... IMMEDIATE) before it commits.
        EXECUTE IMMEDIATE ${lit("SET CONSTRAINTS " + t.unit.constraints + " DEFERRED")};
</#if>
        INSERT INTO ${t.table} (${t.writableList("")})
        SELECT ${t.restoreSelect("b")}
          FROM ${t.backup} b
         WHERE b.declutter_run = p_run
           AND NOT EXISTS (SELECT 1 FROM ${t.table} t WHERE ${t.keyMatch("t", "b")});
        v_rows := SQL%ROWCOUNT;
        ${job.schema}.NOTE_RESTORE(p_run, ${t.primaryEdge}, ${lit(t.display)}, v_rows, v_started);
<#if !t.unit??>
        COMMIT;
<#elseif t.unitOrdinal == 1>
        EXECUTE IMMEDIATE ${lit("SET CONSTRAINTS " + t.unit.constraints + " IMMEDIATE")};
        COMMIT;
</#if>
<#list syncs as m>
<#assign mx = ora.x(m)>
<#list mx.identities as i>
        -- Identity <#if t.unit??>${lib.line(m.display)}.</#if>${lib.line(i.column)}: back to GENERATED ${i.kind}, its sequence past the restored values.
        ${job.schema}.SYNC_IDENTITY(${lit(mx.ownerName)}, ${lit(mx.tableName)}, ${lit(i.column)}, ${lit(i.kind)}, ${ora.lockWait});
</#list>
</#list>
</#list>
<#list job.detaches as d>

        -- Re-attach ${lib.line(d.childDisplay)} through ${lib.line(d.constraint)} (restored as null above, or detached by a partial purge).
        MERGE INTO ${d.childTable} t
        USING (SELECT b.* FROM ${d.childBackup} b WHERE b.declutter_run = p_run AND ${d.backupHasRef}) b
           ON (${d.keyMatch("t", "b")})
         WHEN MATCHED THEN UPDATE SET ${d.restoreSet}
              WHERE ${d.childIsNull};
        COMMIT;
</#list>
<#list job.nullifies as n>

        -- Edge ${n.edgeId}: ${lib.line(n.description)}: write back the values the database reset.
        v_started := SYSTIMESTAMP;
        MERGE INTO ${n.childTable} t
        USING (SELECT b.* FROM ${n.backup} b WHERE b.declutter_run = p_run) b
           ON (${n.keyMatch("t", "b")})
         WHEN MATCHED THEN UPDATE SET ${n.restoreSet()}
              WHERE ${n.restoreWhen()};
        v_rows := SQL%ROWCOUNT;
        ${job.schema}.NOTE_RESTORE(p_run, ${n.edgeId}, ${lit(n.childDisplay)}, v_rows, v_started);
        COMMIT;
</#list>

        -- Sequences behind column defaults (DEFAULT seq.NEXTVAL), found now: moved past the restored values (DDL, last,
        -- once every row and value is back). Identity columns were synchronized above.
<#list job.restoreOrder() as t>
<#assign x = ora.x(t)>
        ${job.schema}.SYNC_SEQUENCES(${lit(x.ownerName)}, ${lit(x.tableName)});
</#list>

        ${job.schema}.FINISH_RUN(p_run, 'rolled back');
        COMMIT;
    END rollback_run;
<#else>
    -- This job runs without a backup (backup: false), so its runs cannot be rolled back; the procedure says so.
    PROCEDURE rollback_run(
        p_run IN NUMBER)
    IS
    BEGIN
        RAISE_APPLICATION_ERROR(-20009, 'declutter: job ${job.name} runs without a backup, so run ' || p_run
            || ' cannot be rolled back. Set backup: true in the job file, regenerate and redeploy for future runs.');
    END rollback_run;
</#if>

    FUNCTION verify_run(
        p_run IN NUMBER)
    RETURN verify_rows PIPELINED
    IS
        v_row   verify_row;
        v_count PLS_INTEGER;
    BEGIN
        SELECT COUNT(*) INTO v_count FROM ${job.schema}.RUN r WHERE r.run_id = p_run AND r.job = c_job;
        IF v_count = 0 THEN
            RAISE_APPLICATION_ERROR(-20003, 'declutter: run ' || p_run || ' of job ${job.name} does not exist');
        END IF;
<#list job.tables as t>

        -- ${lib.line(t.display)}
        SELECT ${lit(t.display)}, ${t.height}, COUNT(b.declutter_seq), COUNT(t.${t.key[0]}),
               COUNT(b.declutter_seq) - COUNT(t.${t.key[0]})
          INTO v_row.table_name, v_row.height, v_row.backup_rows, v_row.present_rows, v_row.deleted_rows
          FROM ${t.backup} b
          LEFT JOIN ${t.table} t ON ${t.keyMatch("t", "b")}
         WHERE b.declutter_run = p_run;
        v_row.orphan_rows := 0;
<#list job.incoming(t) as s>
        SELECT v_row.orphan_rows + COUNT(*) INTO v_row.orphan_rows
          FROM ${t.table} c
         WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} p
                        WHERE p.declutter_run = p_run AND ${s.parentMatch}
                          AND NOT EXISTS (SELECT 1 FROM ${s.parent.table} x WHERE ${s.parent.keyMatch("x", "p")}));
</#list>
        PIPE ROW (v_row);
</#list>
        RETURN;
    END verify_run;

END ${ora.pkgName};
/
