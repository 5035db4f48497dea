<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.RUN" purpose="one row per purge run: its job, state, window deadline and pause flag"/>
<#assign ddl>
CREATE TABLE ${schema}.RUN (
    run_id          NUMBER(19)               GENERATED ALWAYS AS IDENTITY,
    job             VARCHAR2(128 CHAR)       NOT NULL,
    -- running -> done, or failed (resumable) -> running ...; any -> rolling back -> rolled back; done -> expired
    status          VARCHAR2(20 CHAR)        DEFAULT 'running' NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE,
    deadline        TIMESTAMP WITH TIME ZONE,
    batch_size      NUMBER(10),
    pause_requested NUMBER(1)                DEFAULT 0 NOT NULL,
    last_error      VARCHAR2(4000 BYTE),
    started_by      VARCHAR2(128 CHAR),
    expired_at      TIMESTAMP WITH TIME ZONE,
    expired_by      VARCHAR2(128 CHAR),
    expired_from    VARCHAR2(20 CHAR),
    CONSTRAINT run_pk PRIMARY KEY (run_id),
    CONSTRAINT run_status_ck CHECK (status IN ('running', 'failed', 'done', 'rolling back', 'rolled back', 'expired')),
    CONSTRAINT run_pause_ck CHECK (pause_requested IN (0, 1))
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="RUN" ddl=ddl/>

-- Upgrades a RUN table deployed before the backup lifecycle (docs/archive.md#expiry): who started a run (for its
-- erasure receipt; rows already there stay NULL, as the column is added without a default and the default set
-- apart), when and by whom its backup expired and the status it had then, and the status 'expired'. The check
-- constraint is replaced on every deploy (RUN is small), so an old one without 'expired' never stays.
DECLARE
    e_no_constraint EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_no_constraint, -2443);
    PROCEDURE add_missing(p_column IN VARCHAR2, p_definition IN VARCHAR2) IS
        v_count PLS_INTEGER;
    BEGIN
        SELECT COUNT(*) INTO v_count FROM all_tab_cols
         WHERE owner = ${lib.lit(schemaName)} AND table_name = 'RUN' AND column_name = p_column;
        IF v_count = 0 THEN
            EXECUTE IMMEDIATE 'ALTER TABLE ${schema}.RUN ADD (' || p_definition || ')';
        END IF;
    END add_missing;
BEGIN
    add_missing('STARTED_BY', 'started_by VARCHAR2(128 CHAR)');
    add_missing('EXPIRED_AT', 'expired_at TIMESTAMP WITH TIME ZONE');
    add_missing('EXPIRED_BY', 'expired_by VARCHAR2(128 CHAR)');
    add_missing('EXPIRED_FROM', 'expired_from VARCHAR2(20 CHAR)');
    EXECUTE IMMEDIATE q'[ALTER TABLE ${schema}.RUN MODIFY (started_by DEFAULT SYS_CONTEXT('USERENV', 'SESSION_USER'))]';
    BEGIN
        EXECUTE IMMEDIATE 'ALTER TABLE ${schema}.RUN DROP CONSTRAINT run_status_ck';
    EXCEPTION
        WHEN e_no_constraint THEN
            NULL;
    END;
    EXECUTE IMMEDIATE q'[ALTER TABLE ${schema}.RUN ADD CONSTRAINT run_status_ck CHECK (status IN ('running', 'failed', 'done', 'rolling back', 'rolled back', 'expired'))]';
END;
/

-- At most one unfinished run per job: a new run of the job resumes it instead. (DECODE gives NULL for finished
-- runs, and entries whose key is entirely NULL are not indexed.)
<#assign ddl>
CREATE UNIQUE INDEX ${schema}.RUN_ONE_OPEN_PER_JOB
    ON ${schema}.RUN (DECODE(status, 'running', job, 'failed', job))</#assign>
<@lib.ensure kind="INDEX" owner=schemaName name="RUN_ONE_OPEN_PER_JOB" ddl=ddl/>

COMMENT ON TABLE ${schema}.RUN IS 'declutter: one row per purge run'
/
