<#-- Included by delete_table.ftl: the delete batch of a table in a deferred unit (a cycle broken through DEFERRABLE
     foreign keys; explained in the header of step.sql). Defines macros only; renders nothing by itself. -->
<#macro inSet alias ordinal>${alias}.declutter_seq IN (SELECT s.seq FROM pg_temp.declutter_unit AS s WHERE s.t = ${ordinal})</#macro>
<#macro unitParent s>
<#if s.parentOrdinal gt 0>
                        WHERE p.declutter_run = p_run AND <@inSet alias="p" ordinal=s.parentOrdinal/>
<#else>
                        WHERE p.declutter_run = p_run
                          AND p.declutter_seq > (SELECT k.watermark FROM ${job.schema}.control AS k
                                                  WHERE k.run_id = p_run AND k.edge_id = ${s.parent.primaryEdge})
</#if>
</#macro>
<#macro unitBatch t>
<#assign u = t.unit>
    SELECT watermark INTO v_wm FROM ${job.schema}.control
     WHERE run_id = p_run AND edge_id = ${t.primaryEdge};
    v_edge := ${t.primaryEdge};
    v_table := ${job.literal(t.display)};
    v_action := 'delete';
    -- The batch: the next p_max_rows backup rows after the watermark.
    SELECT max(s.declutter_seq) INTO v_upper
      FROM (SELECT b.declutter_seq FROM ${t.backup} AS b
             WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm
             ORDER BY b.declutter_seq
             LIMIT p_max_rows) AS s;
    IF v_upper IS NULL THEN
        PERFORM ${job.schema}.note_delete(p_run, ${t.primaryEdge}, v_table, NULL, 0, v_started);
        p_rows := 0;
        RETURN;
    END IF;
    -- The set of rows to delete, by table of the unit (1 = <#list u.tables as m>${lib.line(m.display)}<#sep>, ${m?index + 2} = </#sep></#list>)
    -- and backup sequence number: the batch rows still present, locked (FOR UPDATE) so that no new child can
    -- appear under them until this transaction ends.
    v_action := 'lock';
    CREATE TEMP TABLE declutter_unit (t integer NOT NULL, seq bigint NOT NULL, PRIMARY KEY (t, seq)) ON COMMIT DROP;
    INSERT INTO pg_temp.declutter_unit (t, seq)
    SELECT ${t.unitOrdinal}, b.declutter_seq
      FROM ${t.backup} AS b
      JOIN ${t.table} AS t ON ${t.keyMatch("t", "b")}
     WHERE b.declutter_run = p_run AND b.declutter_seq > v_wm AND b.declutter_seq <= v_upper
       FOR UPDATE OF t;
    -- Grow the set to a fixed point: rows inserted since the cache that reference it are backed up (catch-up;
    -- in the unit they join the set), and backed-up rows of the unit that reference it join it.
    LOOP
        v_round := 0;
<#list u.catchUp?filter(s -> s.parentOrdinal gt 0) as s>
        v_edge := ${s.edgeId};
        v_table := ${job.literal(s.child.display)};
        v_action := 'catch-up';
        -- ${lib.line(s.description)}
<#if s.childOrdinal gt 0>
        WITH caught AS (
            INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
            SELECT p_run, ${s.child.columnList("c")}
              FROM ${s.child.table} AS c
             WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
<@unitParent s=s/>
                              AND ${s.parentMatch})
               FOR UPDATE OF c
            ON CONFLICT DO NOTHING
            RETURNING declutter_seq)
        INSERT INTO pg_temp.declutter_unit (t, seq)
        SELECT ${s.childOrdinal}, caught.declutter_seq FROM caught;
<#else>
        INSERT INTO ${s.child.backup} (declutter_run, ${s.child.columnList("")})
        SELECT p_run, ${s.child.columnList("c")}
          FROM ${s.child.table} AS c
         WHERE EXISTS (SELECT 1 FROM ${s.parent.backup} AS p
<@unitParent s=s/>
                          AND ${s.parentMatch})
           FOR UPDATE OF c
        ON CONFLICT DO NOTHING;
</#if>
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows > 0 THEN
            PERFORM ${job.schema}.note_catchup(p_run, ${s.edgeId}, v_table, NULL, v_rows, v_started);
            v_late := v_late || ${s.child.primaryEdge};
        END IF;
        v_round := v_round + v_rows;
</#list>
<@callLate tables=u.lateTables delete=false indent="        " count=true/>
        v_action := 'expand';
<#list u.expansions as s>
        v_edge := ${s.edgeId};
        v_table := ${job.literal(s.child.display)};
        -- ${lib.line(s.description)}
        -- (driven from the set: its rows, their backup rows, the table's rows referencing them, theirs)
        INSERT INTO pg_temp.declutter_unit (t, seq)
        SELECT ${s.childOrdinal}, b.declutter_seq
          FROM pg_temp.declutter_unit AS x
          JOIN ${s.parent.backup} AS p ON p.declutter_run = p_run AND p.declutter_seq = x.seq
          JOIN ${s.child.table} AS c ON ${s.parentMatch}
          JOIN ${s.child.backup} AS b ON b.declutter_run = p_run AND ${s.child.keyMatch("b", "c")}
         WHERE x.t = ${s.parentOrdinal}
           AND NOT EXISTS (SELECT 1 FROM pg_temp.declutter_unit AS y
                            WHERE y.t = ${s.childOrdinal} AND y.seq = b.declutter_seq)
           FOR UPDATE OF c
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_round := v_round + v_rows;
</#list>
        EXIT WHEN v_round = 0;
    END LOOP;
<#list u.nullifies?filter(n -> n.parentOrdinal gt 0) as n>
    v_edge := ${n.edge.edgeId};
    v_table := ${job.literal(n.edge.childDisplay)};
    v_action := 'catch-up';
    INSERT INTO ${n.edge.backup} (declutter_run, ${n.edge.storedList("")})
    SELECT p_run, ${n.edge.storedList("c")}
      FROM ${n.edge.childTable} AS c
     WHERE EXISTS (SELECT 1 FROM ${n.parent.backup} AS p
<#if n.parentOrdinal gt 0>
                    WHERE p.declutter_run = p_run AND <@inSet alias="p" ordinal=n.parentOrdinal/>
<#else>
                    WHERE p.declutter_run = p_run
                      AND p.declutter_seq > (SELECT k.watermark FROM ${job.schema}.control AS k
                                              WHERE k.run_id = p_run AND k.edge_id = ${n.parent.primaryEdge})
</#if>
                      AND ${n.edge.parentMatch})
       FOR UPDATE OF c
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows > 0 THEN
        PERFORM ${job.schema}.note_catchup(p_run, ${n.edge.edgeId}, v_table, NULL, v_rows, v_started);
    END IF;
<#if n.edge.writes()>
    v_action := 'set null';
<#if n.parentOrdinal gt 0>
<@lib.logicalReset n=n.edge parentBackup=n.parent.backup parentRows="p.declutter_seq IN (SELECT s.seq FROM pg_temp.declutter_unit AS s WHERE s.t = " + n.parentOrdinal + ")" indent="    "/>
<#else>
<@lib.logicalReset n=n.edge parentBackup=n.parent.backup parentRows="p.declutter_seq > (SELECT k.watermark FROM " + job.schema + ".control AS k WHERE k.run_id = p_run AND k.edge_id = " + n.parent.primaryEdge + ")" indent="    "/>
</#if>
</#if>
</#list>
    SET CONSTRAINTS ${u.deleteConstraints} DEFERRED;
<@callLate tables=u.catchUpDeletes delete=true indent="    "/>
<#list u.detaches as x>
    -- Detach (edge ${x.detach.edgeId}, ${lib.line(x.detach.constraint)}): purged ${lib.line(x.detach.childDisplay)} rows that point into the set.
    v_edge := ${x.detach.edgeId};
    v_table := ${job.literal(x.detach.childDisplay)};
    v_action := 'detach';
    UPDATE ${x.detach.childTable} AS c
       SET ${x.detach.setNull}
      FROM ${x.parent.backup} AS b
     WHERE b.declutter_run = p_run AND <@inSet alias="b" ordinal=x.parentOrdinal/>
       AND ${x.detach.refMatch}
       AND EXISTS (SELECT 1 FROM ${x.detach.childBackup} AS k
                    WHERE k.declutter_run = p_run AND ${x.detach.keyMatch("k", "c")});
</#list>
    -- Delete the set, table by table (children before parents through the constraints not deferred).
    v_action := 'delete';
    p_rows := 0;
<#list u.tables as m>
    v_edge := ${m.primaryEdge};
    v_table := ${job.literal(m.display)};
    DELETE FROM ${m.table} AS t
     USING ${m.backup} AS b
     WHERE b.declutter_run = p_run AND <@inSet alias="b" ordinal=m?index + 1/>
       AND ${m.keyMatch("t", "b")};
    GET DIAGNOSTICS v_rows = ROW_COUNT;
<#if m?index + 1 == t.unitOrdinal>
    v_mark := v_rows;
<#else>
    IF v_rows > 0 THEN
        UPDATE ${job.schema}.control SET rows_deleted = rows_deleted + v_rows,
               started_at = COALESCE(started_at, v_started)
         WHERE run_id = p_run AND edge_id = ${m.primaryEdge};
        INSERT INTO ${job.schema}.log (run_id, edge_id, table_name, action, rows, started_at, message)
        VALUES (p_run, ${m.primaryEdge}, v_table, 'delete', v_rows, v_started,
                ${job.literal("with a batch of " + t.display + " (deferred unit " + u.id + ")")});
    END IF;
</#if>
    p_rows := p_rows + v_rows;
</#list>
    -- The deferred checks run here, inside this step: a reference left to a deleted row fails the batch.
    v_edge := ${t.primaryEdge};
    v_table := ${job.literal(t.display)};
    v_action := 'deferred check';
    SET CONSTRAINTS ${u.deleteConstraints} IMMEDIATE;
    DROP TABLE pg_temp.declutter_unit;
    PERFORM ${job.schema}.note_delete(p_run, ${t.primaryEdge}, v_table, v_upper, v_mark, v_started);
</#macro>
