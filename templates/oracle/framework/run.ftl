<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.RUN" purpose="one row per purge run: its job, state, window deadline and pause flag"/>
<#assign ddl>
CREATE TABLE ${schema}.RUN (
    run_id          NUMBER(19)               GENERATED ALWAYS AS IDENTITY,
    job             VARCHAR2(128 CHAR)       NOT NULL,
    -- running -> done, or failed (resumable) -> running ...; any state -> rolling back -> rolled back
    status          VARCHAR2(20 CHAR)        DEFAULT 'running' NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE,
    deadline        TIMESTAMP WITH TIME ZONE,
    batch_size      NUMBER(10),
    pause_requested NUMBER(1)                DEFAULT 0 NOT NULL,
    last_error      VARCHAR2(4000 BYTE),
    CONSTRAINT run_pk PRIMARY KEY (run_id),
    CONSTRAINT run_status_ck CHECK (status IN ('running', 'failed', 'done', 'rolling back', 'rolled back')),
    CONSTRAINT run_pause_ck CHECK (pause_requested IN (0, 1))
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="RUN" ddl=ddl/>

-- At most one unfinished run per job: a new run of the job resumes it instead. (DECODE gives NULL for finished
-- runs, and entries whose key is entirely NULL are not indexed.)
<#assign ddl>
CREATE UNIQUE INDEX ${schema}.RUN_ONE_OPEN_PER_JOB
    ON ${schema}.RUN (DECODE(status, 'running', job, 'failed', job))</#assign>
<@lib.ensure kind="INDEX" owner=schemaName name="RUN_ONE_OPEN_PER_JOB" ddl=ddl/>

COMMENT ON TABLE ${schema}.RUN IS 'declutter: one row per purge run'
/
