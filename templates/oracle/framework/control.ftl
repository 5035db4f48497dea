<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.CONTROL" purpose="the control table: one row per foreign-key edge of each job's purge closure, with the progress of the job's current run"/>
<#assign ddl>
CREATE TABLE ${schema}.CONTROL (
    job             VARCHAR2(128 CHAR)       NOT NULL,
    edge_id         NUMBER(10)               NOT NULL,  -- 1 is the root table itself
    constraint_name VARCHAR2(128 CHAR),                 -- NULL for the root
    parent_edge_id  NUMBER(10),                         -- primary edge of the parent table
    parent_table    VARCHAR2(400 CHAR)       NOT NULL,
    child_table     VARCHAR2(400 CHAR)       NOT NULL,
    parent_columns  VARCHAR2(4000 BYTE),                -- as SQL spells them, comma separated
    child_columns   VARCHAR2(4000 BYTE),
    on_delete       VARCHAR2(20 CHAR),
    strategy        VARCHAR2(20 CHAR)        NOT NULL,
    depth           NUMBER(10)               NOT NULL,
    height          NUMBER(10)               NOT NULL,  -- 0 = leaf; deleted in ascending, cached in descending height
    cycle_group     NUMBER(10)               DEFAULT 0 NOT NULL,  -- 0 = in no cycle
    breaks_cycle    NUMBER(1)                DEFAULT 0 NOT NULL,
    is_primary      NUMBER(1)                DEFAULT 0 NOT NULL,  -- carries the child table's delete and restore progress
    backup_table    VARCHAR2(128 CHAR),
    -- progress of the job's current run
    run_id          NUMBER(19),
    status          VARCHAR2(20 CHAR)        DEFAULT 'pending' NOT NULL,
    rows_cached     NUMBER(19)               DEFAULT 0 NOT NULL,
    rows_deleted    NUMBER(19)               DEFAULT 0 NOT NULL,
    rows_restored   NUMBER(19)               DEFAULT 0 NOT NULL,
    watermark       NUMBER(19)               DEFAULT 0 NOT NULL,  -- last backup sequence number deleted
    last_error      VARCHAR2(4000 BYTE),
    started_at      TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT control_pk PRIMARY KEY (job, edge_id),
    CONSTRAINT control_strategy_ck CHECK (strategy IN ('delete', 'set null', 'skip')),
    CONSTRAINT control_status_ck CHECK (status IN ('pending', 'cached', 'deleting', 'deleted', 'skipped')),
    CONSTRAINT control_flags_ck CHECK (breaks_cycle IN (0, 1) AND is_primary IN (0, 1))
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="CONTROL" ddl=ddl/>

<#assign ddl>
CREATE INDEX ${schema}.CONTROL_BY_RUN ON ${schema}.CONTROL (run_id, edge_id)</#assign>
<@lib.ensure kind="INDEX" owner=schemaName name="CONTROL_BY_RUN" ddl=ddl/>
