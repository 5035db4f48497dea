<#-- Included by package_body.ftl: subprogram rollback_run of the job's package. -->
<#if job.backup>
    PROCEDURE rollback_run(
        p_run IN NUMBER)
    IS
        v_status  VARCHAR2(20);
        v_rows    NUMBER;
        v_started TIMESTAMP WITH TIME ZONE;
<#if job.orphanKey?has_content>
        v_fk_enabled NUMBER := 0;
</#if>
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
<#if job.orphanKey?has_content && t.display == job.rootDisplay>
<#assign enableFk = "ALTER TABLE " + t.table + " ENABLE NOVALIDATE CONSTRAINT \"" + job.orphanKey + "\"">
        -- Its rows were orphans of ${lib.line(job.orphanKey)} when they were purged, and go back as they were. If that
        -- constraint has been enabled since (ENABLE NOVALIDATE still checks every inserted row), it is disabled for the
        -- insert and enabled NOVALIDATE again right after, failure or not (DDL: it commits; docs/oracle.md#orphan-and-duplicate-roots).
        SELECT COUNT(*) INTO v_fk_enabled FROM ALL_CONSTRAINTS
         WHERE owner = ${lit(x.ownerName)} AND table_name = ${lit(x.tableName)}
           AND constraint_name = ${lit(job.orphanKey)} AND status = 'ENABLED';
        IF v_fk_enabled > 0 THEN
            EXECUTE IMMEDIATE ${lit("ALTER TABLE " + t.table + " DISABLE CONSTRAINT \"" + job.orphanKey + "\"")};
        END IF;
        BEGIN
            INSERT INTO ${t.table} (${t.writableList("")})
            SELECT ${t.restoreSelect("b")}
              FROM ${t.backup} b
             WHERE b.declutter_run = p_run
               AND NOT EXISTS (SELECT 1 FROM ${t.table} t WHERE ${t.keyMatch("t", "b")});
            v_rows := SQL%ROWCOUNT;
            COMMIT;
        EXCEPTION
            WHEN OTHERS THEN
                ROLLBACK;
                IF v_fk_enabled > 0 THEN
                    EXECUTE IMMEDIATE ${lit(enableFk)};
                END IF;
                RAISE;
        END;
        IF v_fk_enabled > 0 THEN
            EXECUTE IMMEDIATE ${lit(enableFk)};
        END IF;
<#else>
        INSERT INTO ${t.table} (${t.writableList("")})
        SELECT ${t.restoreSelect("b")}
          FROM ${t.backup} b
         WHERE b.declutter_run = p_run
           AND NOT EXISTS (SELECT 1 FROM ${t.table} t WHERE ${t.keyMatch("t", "b")});
        v_rows := SQL%ROWCOUNT;
</#if>
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
<#if n.keyMoves()>
        -- The key of ${lib.line(n.childDisplay)} holds a re-pointed column: each row is found through the kept row its
        -- duplicate maps to, now that the duplicates are back (docs/design.md#re-pointing); MERGE cannot update a
        -- column its ON clause reads.
        UPDATE ${n.childTable} t
           SET (${n.columnList()}) = (SELECT ${n.storedColumns("b")} FROM ${n.backup} b, (${n.mapFor("1 = 1")}) m
                                      WHERE b.declutter_run = p_run AND ${n.movedKeyMatch("t", "b", "m")})
         WHERE EXISTS (SELECT 1 FROM ${n.backup} b, (${n.mapFor("1 = 1")}) m
                        WHERE b.declutter_run = p_run AND ${n.movedKeyMatch("t", "b", "m")}
                          AND ${n.restoreWhen()});
<#else>
        MERGE INTO ${n.childTable} t
        USING (SELECT b.* FROM ${n.backup} b WHERE b.declutter_run = p_run) b
           ON (${n.keyMatch("t", "b")})
         WHEN MATCHED THEN UPDATE SET ${n.restoreSet()}
              WHERE ${n.restoreWhen()};
</#if>
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
