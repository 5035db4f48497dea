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
<#-- What a unit writes itself into the child rows of a record table `n` before it deletes their parents (the parent
     backup rows `range` selects, a condition on p), right after recording them; only recorded rows are changed.
     - A logical reference with onDelete: set null (docs/design.md#logical-references): no foreign key resets its
       columns when the parents go, so the unit sets them to NULL.
     - A re-pointed edge of a duplicate job (docs/design.md#re-pointing): the rows referencing a duplicate of the
       batch are re-pointed to the kept row of its group (the map's row for their duplicate, read per row). -->
<#macro logicalReset n parentBackup range indent>
<#if n.repoint>
${indent}v_action := 're-point';
<@lockRows table=n.childTable alias="c" indent=indent where="EXISTS (SELECT 1 FROM (" + n.mapFor(range) + ") m\n" + indent + "                WHERE " + n.repointMatch("c", "m") + ")\n" + indent + "   AND EXISTS (SELECT 1 FROM " + n.backup + " r\n" + indent + "                WHERE r.declutter_run = p_run AND " + n.keyMatch("r", "c") + ")"/>
${indent}IF v_rowids.COUNT > 0 THEN
${indent}    FORALL i IN 1 .. v_rowids.COUNT
${indent}        UPDATE ${n.childTable} c SET (${n.columnList()}) = (SELECT ${n.keptList("m")} FROM (${n.mapFor(range)}) m
${indent}                                 WHERE ${n.repointMatch("c", "m")})
${indent}         WHERE ROWID = v_rowids(i);
${indent}END IF;
${indent}v_action := 'catch-up';
<#elseif n.logical>
${indent}v_action := 'set null';
<@lockRows table=n.childTable alias="c" indent=indent where="EXISTS (SELECT 1 FROM " + parentBackup + " p\n" + indent + "                WHERE p.declutter_run = p_run AND " + range + "\n" + indent + "                  AND " + n.parentMatch + ")\n" + indent + "   AND EXISTS (SELECT 1 FROM " + n.backup + " r\n" + indent + "                WHERE r.declutter_run = p_run AND " + n.keyMatch("r", "c") + ")"/>
${indent}IF v_rowids.COUNT > 0 THEN
${indent}    FORALL i IN 1 .. v_rowids.COUNT
${indent}        UPDATE ${n.childTable} SET ${n.resetSet()} WHERE ROWID = v_rowids(i);
${indent}END IF;
${indent}v_action := 'catch-up';
</#if>
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

    -- The run whose foreign keys this session checked (check_fks), NULL before the first check.
    g_fks_checked NUMBER;

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

<#include "body/check_fks.ftl">

<#include "body/step.ftl">

<#include "body/cache_run.ftl">

<#include "body/delete_run.ftl">

<#include "body/rollback_run.ftl">

<#include "body/verify_run.ftl">

END ${ora.pkgName};
/
