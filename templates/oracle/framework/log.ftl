<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.LOG" purpose="one row per step of every run (cache, delete batch, retry, error, restore), so runs started from cron or DBMS_SCHEDULER are monitored the same way"/>
<#assign ddl>
CREATE TABLE ${schema}.LOG (
    log_id     NUMBER(19)               GENERATED ALWAYS AS IDENTITY,
    run_id     NUMBER(19)               NOT NULL,
    edge_id    NUMBER(10),
    table_name VARCHAR2(400 CHAR),
    action     VARCHAR2(30 CHAR)        NOT NULL,  -- begin, cache, delete, catch-up, catch-up delete, retry, error, restore, end
    row_count  NUMBER(19)               DEFAULT 0 NOT NULL,  -- ROWS is a reserved word in Oracle
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at   TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    message    VARCHAR2(4000 BYTE),
    CONSTRAINT log_pk PRIMARY KEY (log_id),
    CONSTRAINT log_run_fk FOREIGN KEY (run_id) REFERENCES ${schema}.RUN (run_id)
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="LOG" ddl=ddl/>

<#assign ddl>
CREATE INDEX ${schema}.LOG_BY_RUN ON ${schema}.LOG (run_id, log_id)</#assign>
<@lib.ensure kind="INDEX" owner=schemaName name="LOG_BY_RUN" ddl=ddl/>
