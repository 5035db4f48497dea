<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.API_REQUEST" purpose="the Idempotency-Key of every run started through the API of declutter serve, so that a retried call returns the same run, after a restart and on every instance"/>
<#assign ddl>
CREATE TABLE ${schema}.API_REQUEST (
    idempotency_key VARCHAR2(200 CHAR)  NOT NULL,
    job             VARCHAR2(128 CHAR)  NOT NULL,
    run_id          NUMBER(19)          NOT NULL,
    token_name      VARCHAR2(64 CHAR)   NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    CONSTRAINT api_request_pk PRIMARY KEY (idempotency_key),
    CONSTRAINT api_request_run_fk FOREIGN KEY (run_id) REFERENCES ${schema}.RUN (run_id)
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="API_REQUEST" ddl=ddl/>
