<#import "../lib.ftl" as lib>
<#assign tr = job.triggers>
<@lib.header object="functions ${job.proc('triggers')}, ${job.proc('trigger_effect')}" purpose="what the run does with the DELETE triggers of purged tables: disables the ones the job names around each delete batch, counts what the ones it keeps write outside the closure"/>
--
-- ${job.proc('triggers')}(p_enable): the step procedure disables the triggers 'triggers: {disable: [...]}' names
-- right before the deletes of a batch and enables them again before the batch commits, inside the batch's
-- transaction: ALTER TABLE is transactional in PostgreSQL, so an error or a crash rolls the DISABLE back with the
-- batch, and no trigger is ever left disabled. ALTER TABLE ... DISABLE TRIGGER takes a SHARE ROW EXCLUSIVE lock
-- on the table until the batch commits (the application's inserts, updates and deletes of it wait, its reads do
-- not; the job's lock timeout bounds the wait, a timeout is retried) and needs the role to own the table. The
-- application's own deletes outside the batches still fire the trigger. session_replication_role = replica would
-- switch off every trigger at once, but also the foreign keys' ON DELETE SET NULL / SET DEFAULT actions the purge
-- relies on: it is not used here (rollback uses it, where no action should fire).
--
-- ${job.proc('trigger_effect')}(p_run, p_after): for the triggers the job keeps that write outside the closure,
-- counts the rows of the tables they write into ${job.schema}.trigger_effect: before the first delete of the run
-- (once), and at its end or before its rollback (once); verify and rollback report the difference
-- (docs/design.md#triggers).
CREATE OR REPLACE FUNCTION ${job.proc('triggers')}(p_enable boolean)
RETURNS void
LANGUAGE plpgsql
AS ${tags.fn}
BEGIN
<#if tr.disable?has_content>
    IF p_enable THEN
        -- The batch's deferred foreign-key checks (INITIALLY DEFERRED keys) run now rather than at the commit right
        -- after: PostgreSQL refuses ALTER TABLE on a table with pending trigger events.
        SET CONSTRAINTS ALL IMMEDIATE;
<#list tr.disable as d>
        -- ${lib.line(d.display)}
        ALTER TABLE ${d.table} ENABLE ${d.kind} ${d.name};
</#list>
    ELSE
<#list tr.disable as d>
        -- ${lib.line(d.display)}
        ALTER TABLE ${d.table} DISABLE ${d.kind} ${d.name};
</#list>
    END IF;
<#else>
    NULL; -- the job disables no trigger
</#if>
END
${tags.fn};

CREATE OR REPLACE FUNCTION ${job.proc('trigger_effect')}(p_run bigint, p_after boolean)
RETURNS void
LANGUAGE plpgsql
AS ${tags.proc}
BEGIN
<#if tr.watched()>
    IF NOT p_after THEN
        IF EXISTS (SELECT 1 FROM ${job.schema}.trigger_effect WHERE run_id = p_run) THEN
            RETURN; -- counted before this run's first delete already (a resumed run)
        END IF;
<#list tr.counts as c>
        INSERT INTO ${job.schema}.trigger_effect (run_id, table_name, triggers, rows_before)
        SELECT p_run, ${c.tableLiteral}, ${c.triggersLiteral}, count(*) FROM ${c.table};
</#list>
<#list tr.unknown as u>
        INSERT INTO ${job.schema}.trigger_effect (run_id, table_name, triggers, note)
        VALUES (p_run, NULL, ${u.triggerLiteral}, ${u.reasonLiteral});
</#list>
    ELSE
<#list tr.counts as c>
        UPDATE ${job.schema}.trigger_effect
           SET rows_after = (SELECT count(*) FROM ${c.table}), counted_at = clock_timestamp()
         WHERE run_id = p_run AND table_name = ${c.tableLiteral} AND rows_after IS NULL;
</#list>
<#if !tr.counts?has_content>
        NULL; -- nothing the kept triggers write could be read: nothing to count
</#if>
    END IF;
<#else>
    NULL; -- the job keeps no trigger that writes outside the closure
</#if>
END
${tags.proc};
