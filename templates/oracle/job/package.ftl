<#import "../lib.ftl" as lib>
<@lib.header object="package ${ora.pkg}" purpose="the job's procedures: STEP (one bounded unit of work), CACHE_RUN, DELETE_RUN (a whole purge inside the database), ROLLBACK_RUN and VERIFY_RUN"/>
--
-- Runs with the rights of ${ora.schemaName} (AUTHID DEFINER): the grants of ${job.name}/grants.sql are what it needs.
-- While it works, V$SESSION shows MODULE 'declutter:${job.name}', the unit in ACTION and the table in CLIENT_INFO;
-- DELETE_RUN also reports its progress in V$SESSION_LONGOPS.
CREATE OR REPLACE PACKAGE ${ora.pkg} AUTHID DEFINER AS

    -- One row of VERIFY_RUN: SELECT * FROM TABLE(${ora.pkg}.VERIFY_RUN(:run))
    TYPE verify_row IS RECORD (
        table_name   VARCHAR2(400),
        height       NUMBER,
        backup_rows  NUMBER,
        present_rows NUMBER,
        deleted_rows NUMBER,
        orphan_rows  NUMBER);
    TYPE verify_rows IS TABLE OF verify_row;

    -- One bounded unit of work of a run: the next cache step (root to leaves), else the next delete batch of at
    -- most p_max_rows rows (leaves to root). It does not commit: the caller does (JDBC autocommit, or the loops
    -- below). Phases returned: cache, cached (with p_cache_only = 1), delete, retry, busy, failed, done.
    PROCEDURE step(
        p_run        IN  NUMBER,
        p_max_rows   IN  NUMBER,
        p_cache_only IN  NUMBER DEFAULT 0,
        p_phase      OUT VARCHAR2,
        p_rows       OUT NUMBER,
        p_remaining  OUT NUMBER);

    -- Fills the backup of a run, root to leaves, committing after every edge.
    PROCEDURE cache_run(
        p_run IN NUMBER);

    -- A whole purge inside the database (cache, then delete batches), one transaction per unit, until done, the
    -- deadline or a pause request. For DBMS_SCHEDULER or a DBA's session:
    --   DECLARE r NUMBER; BEGIN r := ${job.schema}.BEGIN_RUN('${job.name}', SYSTIMESTAMP + INTERVAL '6' HOUR, ${job.batchSize});
    --   COMMIT; ${ora.pkg}.DELETE_RUN(r); END;
    PROCEDURE delete_run(
        p_run        IN NUMBER,
        p_batch_size IN NUMBER                   DEFAULT ${job.batchSize},
        p_deadline   IN TIMESTAMP WITH TIME ZONE DEFAULT NULL);

    -- Puts back every row a run purged, root to leaves, after a complete or a partial purge (commits per table).
    PROCEDURE rollback_run(
        p_run IN NUMBER);

    -- Per table of the closure: backup rows of a run, how many are still present or gone, and orphans.
    FUNCTION verify_run(
        p_run IN NUMBER)
    RETURN verify_rows PIPELINED;

END ${ora.pkgName};
/
