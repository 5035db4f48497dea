<#-- Included by package_body.ftl: subprogram step of the job's package. -->
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
<#if n.repoint>
            -- The rows stay; record the values the unit deleting their parents will re-point to the kept rows.
<#elseif n.logical>
            -- The rows stay; record the values the unit deleting their parents will set to NULL (no foreign key does).
<#else>
            -- The rows stay; record the values the database will reset when their parents are deleted.
</#if>
            IF pending(p_run, ${n.edgeId}) THEN
                v_edge := ${n.edgeId};
                v_table := ${lit(n.childDisplay)};
                v_action := 'cache';
                show(p_run, v_action, v_edge, v_table);
<#list n.uniqueChecks as u>
                -- Re-pointing must not give two rows one value of the unique key ${lib.line(u.name)} (${lib.line(u.columns)}):
                -- checked before anything is changed (docs/design.md#re-pointing).
                v_action := 'unique check';
                ${u.count("v_rows")};
                IF v_rows > 0 THEN
                    RAISE_APPLICATION_ERROR(-20013, ${lit("declutter: re-pointing the rows of " + n.childDisplay + " that reference a duplicate to the kept row would give ")}
                        || v_rows || ${lit(" of them the value of the unique key " + u.name + " (" + u.columns + ") that another row has. Nothing was re-pointed or deleted. Merge or delete those rows first (or purge the children with the duplicates: children: purge), then run again.")});
                END IF;
                v_action := 'cache';
</#list>
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

            -- ==== Before the first delete of the run in this session: no foreign key the plan does not know ====
            IF g_fks_checked IS NULL OR g_fks_checked <> p_run THEN
                v_action := 'check foreign keys';
                check_fks;
                g_fks_checked := p_run;
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
<@logicalReset n=u.edge parentBackup=u.parent.backup indent="                    " range=u.fromBatch?then(batchRange, "p.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k WHERE k.run_id = p_run AND k.edge_id = " + u.parent.primaryEdge + ")")/>
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
