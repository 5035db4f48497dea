<#import "lib.ftl" as lib>
<@lib.header object="roles of job ${job.name}" purpose="least-privilege roles: who may run, read and roll back the job, through packages of their own (docs/roles.md)"/>
--
-- Run it as a DBA (CREATE ROLE, GRANT ANY OBJECT PRIVILEGE) after every deploy, in SQL*Plus or SQLcl: @roles.sql
-- Running it again changes nothing. No role gets a password (NOT IDENTIFIED): grant a role to the users who log in,
-- e.g. GRANT ${operator} TO alice.
--
-- The owner is the schema ${ora.schemaName}: it owns the framework, the backup tables and the job's package, which
-- runs with its rights (AUTHID DEFINER), and it alone holds privileges on the application tables (grants.sql).
<#if ownerNamed>
-- The job file's roles.owner names a PostgreSQL role: on Oracle the owner is always the schema ${ora.schemaName}.
</#if>
-- EXECUTE on a package grants every procedure in it, so each duty gets a definer-rights package of its own that
-- calls the job's package (nobody but ${ora.schemaName} may call ${ora.pkg} itself):
--   ${operatePkg}: step, cache_run, delete_run (with BEGIN_RUN, LOCK_JOB, REQUEST_PAUSE)
--   ${restorePkg}: rollback_run
--   ${viewPkg}: verify_run (counts only)
--
<#list roles as r>
--   ${r.duty?right_pad(9)}${r.name}<#if r.named> (named in the job file: must exist)<#else> (created when missing)</#if>
</#list>
--
-- Not run on Oracle: generated, parsed by PMD and pinned by golden files only (docs/oracle.md).

-- 1. The roles. A role the job file names must exist: a misspelt name is an error, never a new role.
DECLARE
    v_count NUMBER;
BEGIN
<#list roles as r>
<#if r.named>
    SELECT COUNT(*) INTO v_count FROM dba_roles WHERE role = ${r.literal};
    IF v_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20001, 'declutter: role ' || ${r.literal} || ' (roles.${r.duty} in the job file) does'
            || ' not exist: create it first, or correct the name in the job file and generate again. Nothing was changed.');
    END IF;
</#if>
</#list>
<#list roles as r>
<#if !r.named>
    SELECT COUNT(*) INTO v_count FROM dba_roles WHERE role = ${r.literal};
    IF v_count = 0 THEN
        EXECUTE IMMEDIATE 'CREATE ROLE ${r.name} NOT IDENTIFIED';
    END IF;
</#if>
</#list>
END;
/

-- 2. One package per duty, with the rights of ${ora.schemaName}.
CREATE OR REPLACE PACKAGE ${operatePkg} AUTHID DEFINER AS
    PROCEDURE step(
        p_run        IN  NUMBER,
        p_max_rows   IN  NUMBER,
        p_cache_only IN  NUMBER DEFAULT 0,
        p_phase      OUT VARCHAR2,
        p_rows       OUT NUMBER,
        p_remaining  OUT NUMBER);

    PROCEDURE cache_run(
        p_run IN NUMBER);

    PROCEDURE delete_run(
        p_run        IN NUMBER,
        p_batch_size IN NUMBER                   DEFAULT ${job.batchSize?c},
        p_deadline   IN TIMESTAMP WITH TIME ZONE DEFAULT NULL);
END;
/

CREATE OR REPLACE PACKAGE BODY ${operatePkg} AS
    PROCEDURE step(
        p_run        IN  NUMBER,
        p_max_rows   IN  NUMBER,
        p_cache_only IN  NUMBER DEFAULT 0,
        p_phase      OUT VARCHAR2,
        p_rows       OUT NUMBER,
        p_remaining  OUT NUMBER) IS
    BEGIN
        ${ora.pkg}.step(p_run, p_max_rows, p_cache_only, p_phase, p_rows, p_remaining);
    END step;

    PROCEDURE cache_run(
        p_run IN NUMBER) IS
    BEGIN
        ${ora.pkg}.cache_run(p_run);
    END cache_run;

    PROCEDURE delete_run(
        p_run        IN NUMBER,
        p_batch_size IN NUMBER                   DEFAULT ${job.batchSize?c},
        p_deadline   IN TIMESTAMP WITH TIME ZONE DEFAULT NULL) IS
    BEGIN
        ${ora.pkg}.delete_run(p_run, p_batch_size, p_deadline);
    END delete_run;
END;
/

CREATE OR REPLACE PACKAGE ${restorePkg} AUTHID DEFINER AS
    PROCEDURE rollback_run(
        p_run IN NUMBER);
END;
/

CREATE OR REPLACE PACKAGE BODY ${restorePkg} AS
    PROCEDURE rollback_run(
        p_run IN NUMBER) IS
    BEGIN
        ${ora.pkg}.rollback_run(p_run);
    END rollback_run;
END;
/

-- verify_run returns counts per table, never a backed-up value.
CREATE OR REPLACE PACKAGE ${viewPkg} AUTHID DEFINER AS
    TYPE verify_row IS RECORD (
        table_name   VARCHAR2(400),
        height       NUMBER,
        backup_rows  NUMBER,
        present_rows NUMBER,
        deleted_rows NUMBER,
        orphan_rows  NUMBER);
    TYPE verify_rows IS TABLE OF verify_row;

    FUNCTION verify_run(
        p_run IN NUMBER)
    RETURN verify_rows PIPELINED;
END;
/

CREATE OR REPLACE PACKAGE BODY ${viewPkg} AS
    FUNCTION verify_run(
        p_run IN NUMBER)
    RETURN verify_rows PIPELINED IS
        v_row verify_row;
    BEGIN
        FOR r IN (SELECT v.table_name, v.height, v.backup_rows, v.present_rows, v.deleted_rows, v.orphan_rows
                    FROM TABLE(${ora.pkg}.verify_run(p_run)) v) LOOP
            v_row.table_name := r.table_name;
            v_row.height := r.height;
            v_row.backup_rows := r.backup_rows;
            v_row.present_rows := r.present_rows;
            v_row.deleted_rows := r.deleted_rows;
            v_row.orphan_rows := r.orphan_rows;
            PIPE ROW (v_row);
        END LOOP;
        RETURN;
    END verify_run;
END;
/

-- 3. PUBLIC holds nothing of ${ora.schemaName}'s (Oracle grants nothing to PUBLIC by default; this undoes any grant).
BEGIN
    FOR g IN (SELECT privilege, table_name FROM dba_tab_privs
               WHERE owner = ${lib.lit(ora.schemaName)} AND grantee = 'PUBLIC' ORDER BY table_name, privilege) LOOP
        EXECUTE IMMEDIATE 'REVOKE ' || g.privilege || ' ON ' || DBMS_ASSERT.ENQUOTE_NAME(${lib.lit(ora.schemaName)}, FALSE)
            || '.' || DBMS_ASSERT.ENQUOTE_NAME(g.table_name, FALSE) || ' FROM PUBLIC';
    END LOOP;
END;
/

-- 4. What each role may read and call. No role reads a backup table or the run-time keys.
GRANT SELECT ON ${job.schema}.RUN TO ${viewer}
/
GRANT SELECT ON ${job.schema}.CONTROL TO ${viewer}
/
GRANT SELECT ON ${job.schema}.LOG TO ${viewer}
/
GRANT SELECT ON ${job.schema}.ARCHIVE TO ${viewer}
/
GRANT SELECT ON ${job.schema}.ARCHIVE_BATCH TO ${viewer}
/
GRANT SELECT ON ${job.schema}.API_REQUEST TO ${viewer}
/
GRANT SELECT ON ${job.schema}.PROGRESS TO ${viewer}
/
GRANT EXECUTE ON ${job.schema}.REMAINING TO ${viewer}
/
GRANT EXECUTE ON ${viewPkg} TO ${viewer}
/
-- operator and restorer read what the viewer reads.
GRANT ${viewer} TO ${operator}
/
GRANT ${viewer} TO ${restorer}
/
GRANT EXECUTE ON ${job.schema}.LOCK_JOB TO ${operator}
/
GRANT EXECUTE ON ${job.schema}.BEGIN_RUN TO ${operator}
/
GRANT EXECUTE ON ${job.schema}.REQUEST_PAUSE TO ${operator}
/
GRANT EXECUTE ON ${operatePkg} TO ${operator}
/
-- root keys given at run time: the runner replaces a new run's keys (written, never read)
GRANT INSERT, DELETE ON ${job.schema}.RUN_KEY TO ${operator}
/
-- the Idempotency-Key of a run started through declutter serve's API (docs/serve.md#idempotency)
GRANT INSERT ON ${job.schema}.API_REQUEST TO ${operator}
/
GRANT EXECUTE ON ${restorePkg} TO ${restorer}
/
