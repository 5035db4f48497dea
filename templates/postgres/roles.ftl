<#import "lib.ftl" as lib>
<@lib.header object="roles of job ${job.name}" purpose="least-privilege roles: the owner of the framework, backups and procedures; who may run, read and roll back (docs/roles.md)"/>
--
-- Run it as a superuser after every deploy (a deploy replaces the procedures, which drops the SECURITY DEFINER set
-- here), and again whenever you like: it changes nothing the second time.
--     psql -v ON_ERROR_STOP=1 -f roles.sql
-- No role gets LOGIN or a password here: create a user who logs in and make it a member, e.g.
--     CREATE ROLE alice LOGIN IN ROLE ${roles.operator};  -- then set its password as your site does
--
<#list roles.roles as r>
--   ${r.duty?right_pad(9)}${r.name}<#if r.named> (named in the job file: must exist)<#else> (created NOLOGIN when missing)</#if>
</#list>
--
-- The owner owns the framework schema, its tables, the job's backup tables and procedures, and holds the rights on
-- the application tables. The procedures that touch application or backup tables run with its rights (SECURITY
-- DEFINER, search_path pinned to pg_catalog, pg_temp; every name in them is qualified), so that no other role needs
-- any privilege on an application table. PUBLIC may call none of them.

-- 1. The roles. A role the job file names must exist: a misspelt name is an error, never a new role.
DO ${tags.block}
BEGIN
<#list roles.roles as r>
<#if r.named>
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${r.literal}) THEN
        RAISE EXCEPTION 'declutter: role % (roles.${r.duty} in the job file) does not exist', ${r.literal}
            USING HINT = 'Create it first, or correct the name in the job file and generate again. Nothing was changed.';
    END IF;
</#if>
</#list>
<#list roles.roles as r>
<#if !r.named>
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${r.literal}) THEN
        CREATE ROLE ${r.name} NOLOGIN;
    END IF;
</#if>
</#list>
END
${tags.block};

-- 2. The owner owns the framework and the job's backups; PUBLIC has no right on any of them.
ALTER SCHEMA ${job.schema} OWNER TO ${roles.owner};
REVOKE ALL ON SCHEMA ${job.schema} FROM PUBLIC;
<#list roles.frameworkTables() as t>
ALTER TABLE ${job.schema}.${t} OWNER TO ${roles.owner};
REVOKE ALL ON TABLE ${job.schema}.${t} FROM PUBLIC;
</#list>
ALTER VIEW ${job.schema}.progress OWNER TO ${roles.owner};
REVOKE ALL ON TABLE ${job.schema}.progress FROM PUBLIC;
<#list roles.backups as b>
ALTER TABLE ${b} OWNER TO ${roles.owner};
REVOKE ALL ON TABLE ${b} FROM PUBLIC;
</#list>

-- 3. The owner's rights on the application: read, back up, delete and put back the closure's rows.
<#list roles.schemas as s>
GRANT USAGE ON SCHEMA ${s} TO ${roles.owner};
</#list>
<#list roles.purgedTables as t>
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${t} TO ${roles.owner};
</#list>
<#if roles.nullifiedTables?has_content>
-- Rows whose references the database resets (ON DELETE SET NULL / SET DEFAULT): rollback writes the values back.
<#list roles.nullifiedTables as t>
GRANT SELECT, UPDATE ON TABLE ${t} TO ${roles.owner};
</#list>
</#if>
<#if roles.triggerTables?has_content>
-- Written by the DELETE triggers the job keeps, which run with the rights of the role deleting (the owner); the run
-- counts their rows (docs/design.md#triggers).
<#list roles.triggerTables as t>
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${t} TO ${roles.owner};
</#list>
</#if>
<#if roles.triggerOwnedTables?has_content>
-- The job disables DELETE triggers on these tables (ALTER TABLE), which only a table's owner may do: make the owner
-- role the owner of these tables, or a member of their owner's role.
<#list roles.triggerOwnedTables as t>
--     ${lib.line(t)}
</#list>
</#if>
DO ${tags.proc}
DECLARE
    v_seq    regclass;
    v_parent record;
BEGIN
    -- Rollback checks that the references of every row it restores exist (framework/check_references.sql), on the
    -- restored tables and on their partitions: the owner reads those partitions and the tables the references point
    -- to, in the closure or not (as the catalog stands now: run this file again after adding a foreign key).
    FOR v_parent IN
        WITH restored AS (
            SELECT t.rel, p.relid
              FROM pg_catalog.unnest(ARRAY[<#list roles.purgedTables + roles.nullifiedTables as t>${job.schema}.relation_of(NULL::${t})<#sep>,
                                           </#sep></#list>]) AS t(rel)
             CROSS JOIN LATERAL (SELECT t.rel AS relid
                                 UNION SELECT x.relid FROM pg_catalog.pg_partition_tree(t.rel) AS x) AS p)
        SELECT DISTINCT r.oid::regclass AS rel, n.nspname
          FROM (SELECT c.confrelid AS relid
                  FROM restored AS s
                  JOIN pg_catalog.pg_constraint AS c ON c.conrelid = s.relid AND c.contype = 'f'
                 UNION
                SELECT s.relid FROM restored AS s WHERE s.relid <> s.rel) AS x
          JOIN pg_catalog.pg_class AS r ON r.oid = x.relid
          JOIN pg_catalog.pg_namespace AS n ON n.oid = r.relnamespace
         ORDER BY 1
    LOOP
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', v_parent.nspname, ${roles.roles[0].literal});
        EXECUTE pg_catalog.format('GRANT SELECT ON TABLE %s TO %I', v_parent.rel, ${roles.roles[0].literal});
    END LOOP;
<#list roles.sequences as q>
    -- rollback moves the sequence (if any) of ${lib.line(q.table)}, column ${lib.line(q.literal)}, past the values it restores
    FOR v_seq IN SELECT s.seq FROM ${job.schema}.column_sequences(${q.table}, ${q.literal}) AS s LOOP
        EXECUTE pg_catalog.format('GRANT SELECT, UPDATE ON SEQUENCE %s TO %I', v_seq, ${roles.roles[0].literal});
    END LOOP;
</#list>
    -- the cache builds temporary tables
    EXECUTE pg_catalog.format('GRANT TEMPORARY ON DATABASE %I TO %I', pg_catalog.current_database(), ${roles.roles[0].literal});
    -- Rollback sets session_replication_role = replica for its own transaction (docs/design.md#rollback), which needs
    -- superuser or, on PostgreSQL 15 and later, the SET privilege on it.
    IF pg_catalog.current_setting('server_version_num')::integer >= 150000 THEN
        EXECUTE pg_catalog.format('GRANT SET ON PARAMETER session_replication_role TO %I', ${roles.roles[0].literal});
    ELSE
        RAISE WARNING 'declutter: before PostgreSQL 15 only a superuser may set session_replication_role: role % '
                      'cannot roll back unless it is one', ${roles.roles[0].literal};
    END IF;
END
${tags.proc};

-- 4. The framework's functions and the job's procedures: owned by the owner, callable by no one else unless granted
-- below. Those that read or write tables run with the owner's rights; the procedures that commit (PostgreSQL allows
-- no SECURITY DEFINER there) only call those and read the run.
DO ${tags.fn}
DECLARE
    v_proc regprocedure;
BEGIN
    FOR v_proc IN
        SELECT p.oid::regprocedure
          FROM pg_catalog.pg_proc AS p
         WHERE p.pronamespace = '${job.schema}'::regnamespace
           AND p.proname = ANY (${roles.array(["begin_run", "note_cache", "note_delete", "note_catchup", "note_error", "note_restore", "column_sequences", "advance_sequence", "relation_of", "check_references", "finish_run", "remaining", "request_pause"] + roles.definer)})
         ORDER BY p.proname, p.oid
    LOOP
        EXECUTE pg_catalog.format('ALTER ROUTINE %s OWNER TO %I', v_proc, ${roles.roles[0].literal});
        EXECUTE pg_catalog.format('ALTER ROUTINE %s SECURITY DEFINER SET search_path = pg_catalog, pg_temp', v_proc);
        EXECUTE pg_catalog.format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', v_proc);
    END LOOP;
    FOR v_proc IN
        SELECT p.oid::regprocedure
          FROM pg_catalog.pg_proc AS p
         WHERE p.pronamespace = '${job.schema}'::regnamespace
           AND p.proname = ANY (${roles.array(roles.invoker)})
         ORDER BY p.proname, p.oid
    LOOP
        EXECUTE pg_catalog.format('ALTER ROUTINE %s OWNER TO %I', v_proc, ${roles.roles[0].literal});
        EXECUTE pg_catalog.format('ALTER ROUTINE %s SECURITY INVOKER RESET ALL', v_proc);
        EXECUTE pg_catalog.format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', v_proc);
    END LOOP;
    FOR v_proc IN
        SELECT p.oid::regprocedure
          FROM pg_catalog.pg_proc AS p
         WHERE p.pronamespace = '${job.schema}'::regnamespace
           AND p.proname = ANY (${roles.array(roles.operatorCalls)})
    LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %I', v_proc, ${roles.roles[1].literal});
    END LOOP;
    FOR v_proc IN
        SELECT p.oid::regprocedure
          FROM pg_catalog.pg_proc AS p
         WHERE p.pronamespace = '${job.schema}'::regnamespace
           AND p.proname = ANY (${roles.array(roles.viewerCalls)})
    LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %I', v_proc, ${roles.roles[2].literal});
    END LOOP;
    FOR v_proc IN
        SELECT p.oid::regprocedure
          FROM pg_catalog.pg_proc AS p
         WHERE p.pronamespace = '${job.schema}'::regnamespace
           AND p.proname = ANY (${roles.array(roles.restorerCalls)})
    LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %I', v_proc, ${roles.roles[3].literal});
    END LOOP;
END
${tags.fn};

-- 5. What each role may read and do.
GRANT USAGE ON SCHEMA ${job.schema} TO ${roles.viewer}, ${roles.operator}, ${roles.restorer};
-- viewer: runs, control, progress, log, trigger counts, archive records and the API's idempotency keys; no backup
-- table, no root keys.
GRANT SELECT ON TABLE ${job.schema}.run, ${job.schema}.control, ${job.schema}.log, ${job.schema}.trigger_effect,
                      ${job.schema}.archive, ${job.schema}.archive_batch, ${job.schema}.api_request,
                      ${job.schema}.progress TO ${roles.viewer};
-- operator and restorer read what the viewer reads (their runner shows progress).
GRANT ${roles.viewer} TO ${roles.operator};
GRANT ${roles.viewer} TO ${roles.restorer};
-- operator: root keys given at run time (written, never read), and the log rows the runner writes itself: the holds
-- of the throttle and the adaptive batches (docs/throttle.md).
GRANT INSERT ON TABLE ${job.schema}.run_key TO ${roles.operator};
GRANT INSERT (run_id, action, rows, started_at, ended_at, message), UPDATE (action, ended_at, message)
    ON TABLE ${job.schema}.log TO ${roles.operator};
-- operator: the Idempotency-Key of a run started through declutter serve's API (docs/serve.md#idempotency).
GRANT INSERT ON TABLE ${job.schema}.api_request TO ${roles.operator};
