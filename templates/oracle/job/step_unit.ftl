<#-- Included by package_body.ftl: the delete batch of a table in a deferred unit (a cycle broken through DEFERRABLE
     foreign keys). Defines macros only; renders nothing by itself. The set of rows a batch deletes lives in the job's
     global temporary table ${ora.unitSet} (t = the table's ordinal in the unit, seq = its backup sequence number). -->
<#-- Parent rows a unit statement starts from: the set's rows of a unit table (ordinal > 0), or the rows of a finished
     table below caught up since its last batch (ordinal 0). -->
<#function unitRange ordinal parent indent>
<#if ordinal gt 0>
<#return "p.declutter_seq IN (SELECT s.seq FROM " + ora.unitSet + " s WHERE s.t = " + ordinal + ")">
<#else>
<#return "p.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n" + indent + "                          WHERE k.run_id = p_run AND k.edge_id = " + parent.primaryEdge + ")">
</#if>
</#function>
<#-- Late-row checks after a delete in a unit batch: edges through ON DELETE CASCADE / SET NULL / SET DEFAULT whose
     parents are the rows just deleted (the set's rows of the unit table of `ordinal`, or the caught-up rows of the
     finished table `parentTable` when ordinal is 0). -->
<#macro unitLateRowChecks u ordinal parentTable restoreEdge restoreTable indent>
<#local steps = u.catchUp?filter(s -> ((ordinal gt 0 && s.parentOrdinal == ordinal) || (ordinal == 0 && s.parentOrdinal == 0 && s.parent.table == parentTable)) && ora.resets(s.edgeId))>
<#local records = u.nullifies?filter(n -> ((ordinal gt 0 && n.parentOrdinal == ordinal) || (ordinal == 0 && n.parentOrdinal == 0 && n.parent.table == parentTable)) && ora.resets(n.edge.edgeId))>
<#list steps as s>
${indent}-- Edge ${s.edgeId} (${lib.line(s.description)}): rows inserted since the catch-up that the delete took with it?
${indent}v_edge := ${s.edgeId};
${indent}v_table := ${lit(s.child.display)};
${indent}v_action := 'late-row check';
<@lateRowCheck child=s.child.table childBackup=s.child.backup keyMatch=s.child.keyMatch("x", "c") parentBackup=s.parent.backup parentMatch=s.parentMatch indent=indent
    range=unitRange(ordinal, s.parent, indent + "                              ")/>
</#list>
<#list records as n>
${indent}-- Edge ${n.edge.edgeId} (${lib.line(n.edge.description)}): rows the delete reset without their values recorded?
${indent}v_edge := ${n.edge.edgeId};
${indent}v_table := ${lit(n.edge.childDisplay)};
${indent}v_action := 'late-row check';
<@lateRowCheck child=n.edge.childTable childBackup=n.edge.backup keyMatch=n.edge.keyMatch("x", "c") parentBackup=n.parent.backup parentMatch=n.edge.parentMatch indent=indent
    range=unitRange(ordinal, n.parent, indent + "                              ")/>
</#list>
<#if steps?has_content || records?has_content>
${indent}v_edge := ${restoreEdge};
${indent}v_table := ${lit(restoreTable)};
</#if>
</#macro>
<#macro unitBatch t>
<#local u = t.unit>
<#local set = ora.unitSet>

            -- ${lib.line(t.display)} (height ${t.height}): progress on edge ${t.primaryEdge}
            -- Deferred unit ${u.id}: <#list u.tables as m>${lib.line(m.display)}<#sep>, </#sep></#list> reference each other in a cycle
            -- that only DEFERRABLE foreign keys break. A batch is the next backed-up rows of this table together with
            -- every purged row of the unit connected to them (rows referencing them inside the unit, transitively, and
            -- rows inserted since the cache), gathered in ${set} and deleted in this one unit of work with
            -- the deferrable constraints deferred (SET CONSTRAINTS ... DEFERRED: the FORALL deletes below run once per
            -- row, so a row and the row referencing it through a deferred key cannot both go otherwise); SET
            -- CONSTRAINTS ... IMMEDIATE checks them before the watermark moves, so a reference left to a deleted row
            -- fails the unit here (ORA-02292: undone and retried), never the COMMIT.
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
                v_mark := 0;
                IF v_upper IS NOT NULL THEN
                    -- The set, by table of the unit (1 = <#list u.tables as m>${lib.line(m.display)}<#sep>, ${m?index + 2} = </#sep></#list>)
                    -- and backup sequence number; it starts as the batch rows still present, locked first.
                    v_action := 'lock';
                    DELETE FROM ${set};
<@lockRows table=t.table alias="t" indent="                    " where=tuple(t, "t") + " IN (SELECT " + t.keyList("b") + " FROM " + t.backup + " b\n                                       WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm\n                                         AND b.declutter_seq <= v_upper)"/>
                    INSERT INTO ${set} (t, seq)
                    SELECT ${t.unitOrdinal}, b.declutter_seq
                      FROM ${t.backup} b
                     WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper
                       AND EXISTS (SELECT 1 FROM ${t.table} t WHERE ${t.keyMatch("t", "b")});
                    -- Grow the set to a fixed point: rows inserted since the cache that reference it are backed up
                    -- (catch-up; in the unit they join the set), and backed-up rows of the unit that reference it join it.
                    LOOP
                        v_round := 0;
<#list u.catchUp as s>
                        v_edge := ${s.edgeId};
                        v_table := ${lit(s.child.display)};
                        v_action := 'catch-up';
                        -- ${lib.line(s.description)}
<#if s.childOrdinal gt 0>
                        SELECT NVL(MAX(x.declutter_seq), 0) INTO v_from FROM ${s.child.backup} x WHERE x.declutter_run = p_run;
</#if>
                        INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
                        SELECT p_run, ${s.child.columnList("c")}
                          FROM ${s.child.table} c
                         WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} p
                                        WHERE p.declutter_run = p_run
                                          AND ${unitRange(s.parentOrdinal, s.parent, "                                          ")}
                                          AND ${s.parentMatch})
                           AND NOT EXISTS (SELECT 1 FROM ${s.child.backup} x
                                            WHERE x.declutter_run = p_run AND ${s.child.keyMatch("x", "c")});
                        v_rows := SQL%ROWCOUNT;
                        IF v_rows > 0 THEN
                            ${job.schema}.NOTE_CATCHUP(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
<#if s.childOrdinal gt 0>
                            -- The rows caught up (numbered after v_from) join the set.
                            INSERT INTO ${set} (t, seq)
                            SELECT ${s.childOrdinal}, x.declutter_seq FROM ${s.child.backup} x
                             WHERE x.declutter_run = p_run AND x.declutter_seq > v_from;
</#if>
                        END IF;
                        v_round := v_round + v_rows;
</#list>
                        v_action := 'expand';
<#list u.expansions as s>
                        v_edge := ${s.edgeId};
                        v_table := ${lit(s.child.display)};
                        -- ${lib.line(s.description)}
                        -- (driven from the set: its rows, their backup rows, the table's rows referencing them, theirs)
                        INSERT INTO ${set} (t, seq)
                        SELECT DISTINCT ${s.childOrdinal}, b.declutter_seq
                          FROM ${set} z, ${s.parent.backup} p, ${s.child.table} c, ${s.child.backup} b
                         WHERE z.t = ${s.parentOrdinal}
                           AND p.declutter_run = p_run AND p.declutter_seq = z.seq
                           AND ${s.parentMatch}
                           AND b.declutter_run = p_run AND ${s.child.keyMatch("b", "c")}
                           AND NOT EXISTS (SELECT 1 FROM ${set} y
                                            WHERE y.t = ${s.childOrdinal} AND y.seq = b.declutter_seq);
                        v_round := v_round + SQL%ROWCOUNT;
</#list>
                        EXIT WHEN v_round = 0;
                    END LOOP;
<#list u.nullifies as n>
                    v_edge := ${n.edge.edgeId};
                    v_table := ${lit(n.edge.childDisplay)};
                    v_action := 'catch-up';
                    INSERT INTO ${n.edge.backup} (declutter_run, ${n.edge.storedList("")})
                    SELECT p_run, ${n.edge.storedList("c")}
                      FROM ${n.edge.childTable} c
                     WHERE EXISTS (SELECT 1 FROM ${n.parent.backup} p
                                    WHERE p.declutter_run = p_run
                                      AND ${unitRange(n.parentOrdinal, n.parent, "                                      ")}
                                      AND ${n.edge.parentMatch})
                       AND NOT EXISTS (SELECT 1 FROM ${n.edge.backup} x
                                        WHERE x.declutter_run = p_run AND ${n.edge.keyMatch("x", "c")});
                    v_rows := SQL%ROWCOUNT;
                    IF v_rows > 0 THEN
                        ${job.schema}.NOTE_CATCHUP(p_run, ${n.edge.edgeId}, v_table, NULL, v_rows, v_started);
                    END IF;
<@logicalReset n=n.edge parentBackup=n.parent.backup indent="                    " range=unitRange(n.parentOrdinal, n.parent, "                                  ")/>
</#list>
                    -- From here to SET CONSTRAINTS ... IMMEDIATE the deferrable constraints are checked once, there.
                    v_action := 'defer';
                    EXECUTE IMMEDIATE ${lit("SET CONSTRAINTS " + u.deleteConstraints + " DEFERRED")};
                    v_deferred := ${lit(u.deleteConstraints)};
<#list u.catchUpDeletes as d>
                    v_edge := ${d.primaryEdge};
                    v_table := ${lit(d.display)};
<#list d.detaches as x>
                    -- Detach (edge ${x.edgeId}, ${lib.line(x.constraint)}) before the catch-up delete of ${lib.line(d.display)}: purged
                    -- ${lib.line(x.childDisplay)} rows that point at the rows caught up there are set to null first.
                    v_action := 'catch-up detach';
<@lockRows table=x.childTable alias="c" indent="                    " where="EXISTS (SELECT 1 FROM " + d.backup + " b\n                                WHERE b.declutter_run = p_run\n                                  AND b.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n                                                          WHERE k.run_id = p_run AND k.edge_id = " + d.primaryEdge + ")\n                                  AND " + x.refMatch + ")\n                   AND EXISTS (SELECT 1 FROM " + x.childBackup + " k\n                                WHERE k.declutter_run = p_run AND " + x.keyMatch("k", "c") + ")"/>
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            UPDATE ${x.childTable} SET ${x.setNull} WHERE ROWID = v_rowids(i);
                    END IF;
</#list>
                    v_action := 'catch-up delete';
                    SELECT MAX(b.declutter_seq) INTO v_round FROM ${d.backup} b WHERE b.declutter_run = p_run;
<#if d.childrenFirst>
<@lockOrdered table=d.table alias="t" into="v_rowids" backup=d.backup key=d.key[0] keyMatch=d.keyMatch("t", "b") order=" DESC" indent="                    "
    where="b.declutter_run = p_run\n                       AND b.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n                                               WHERE k.run_id = p_run AND k.edge_id = " + d.primaryEdge + ")"/>
<#else>
<@lockRows table=d.table alias="t" indent="                    " where=tuple(d, "t") + " IN (SELECT " + d.keyList("b") + " FROM " + d.backup + " b\n                                       WHERE b.declutter_run = p_run\n                                         AND b.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".CONTROL k\n                                                                 WHERE k.run_id = p_run AND k.edge_id = " + d.primaryEdge + "))"/>
</#if>
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            DELETE FROM ${d.table} WHERE ROWID = v_rowids(i);
                        v_rows := SQL%ROWCOUNT;
<@unitLateRowChecks u=u ordinal=0 parentTable=d.table restoreEdge=d.primaryEdge restoreTable=d.display indent="                        "/>
                        ${job.schema}.NOTE_CATCHUP(p_run, ${d.primaryEdge}, v_table, v_round, v_rows, v_started);
                    END IF;
</#list>
<#list u.detaches as x>
                    -- Detach (edge ${x.detach.edgeId}, ${lib.line(x.detach.constraint)}): purged ${lib.line(x.detach.childDisplay)} rows that point into the set.
                    v_edge := ${x.detach.edgeId};
                    v_table := ${lit(x.detach.childDisplay)};
                    v_action := 'detach';
<@lockRows table=x.detach.childTable alias="c" indent="                    " where="EXISTS (SELECT 1 FROM " + x.parent.backup + " b\n                                WHERE b.declutter_run = p_run\n                                  AND b.declutter_seq IN (SELECT s.seq FROM " + set + " s WHERE s.t = " + x.parentOrdinal + ")\n                                  AND " + x.detach.refMatch + ")\n                   AND EXISTS (SELECT 1 FROM " + x.detach.childBackup + " k\n                                WHERE k.declutter_run = p_run AND " + x.detach.keyMatch("k", "c") + ")"/>
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            UPDATE ${x.detach.childTable} SET ${x.detach.setNull} WHERE ROWID = v_rowids(i);
                    END IF;
</#list>
                    -- Delete the set, table by table (children before parents through the constraints not deferred):
                    -- each table's rows of the set are locked, then deleted through their ROWIDs.
                    p_rows := 0;
<#list u.tables as m>
                    v_edge := ${m.primaryEdge};
                    v_table := ${lit(m.display)};
                    v_action := 'lock';
<@lockRows table=m.table alias="t" indent="                    " where=tuple(m, "t") + " IN (SELECT " + m.keyList("b") + " FROM " + m.backup + " b\n                                       WHERE b.declutter_run = p_run\n                                         AND b.declutter_seq IN (SELECT s.seq FROM " + set + " s WHERE s.t = " + (m?index + 1) + "))"/>
                    v_action := 'delete';
                    v_rows := 0;
                    IF v_rowids.COUNT > 0 THEN
                        FORALL i IN 1 .. v_rowids.COUNT
                            DELETE FROM ${m.table} WHERE ROWID = v_rowids(i);
                        v_rows := SQL%ROWCOUNT;
<@unitLateRowChecks u=u ordinal=m?index + 1 parentTable="" restoreEdge=m.primaryEdge restoreTable=m.display indent="                        "/>
                    END IF;
<#if m?index + 1 == t.unitOrdinal>
                    v_mark := v_rows;
<#else>
                    IF v_rows > 0 THEN
                        UPDATE ${job.schema}.CONTROL SET rows_deleted = rows_deleted + v_rows,
                               started_at = NVL(started_at, v_started)
                         WHERE run_id = p_run AND edge_id = ${m.primaryEdge};
                        INSERT INTO ${job.schema}.LOG (run_id, edge_id, table_name, action, row_count, started_at, message)
                        VALUES (p_run, ${m.primaryEdge}, v_table, 'delete', v_rows, v_started,
                                ${lit("with a batch of " + t.display + " (deferred unit " + u.id + ")")});
                    END IF;
</#if>
                    p_rows := p_rows + v_rows;
</#list>
                    -- The deferred checks run here, inside this unit of work: a reference left to a deleted row fails
                    -- the batch (undone to the savepoint and retried), before the watermark moves.
                    v_edge := ${t.primaryEdge};
                    v_table := ${lit(t.display)};
                    v_action := 'deferred check';
                    EXECUTE IMMEDIATE ${lit("SET CONSTRAINTS " + u.deleteConstraints + " IMMEDIATE")};
                    v_deferred := NULL;
                    DELETE FROM ${set};
                END IF;
                ${job.schema}.NOTE_DELETE(p_run, ${t.primaryEdge}, v_table, v_upper, v_mark, v_started);
                p_phase := 'delete';
                p_remaining := ${job.schema}.REMAINING(p_run);
                RETURN;
            END IF;
</#macro>
