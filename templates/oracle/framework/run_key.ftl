<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.RUN_KEY" purpose="root keys given to a run at start (jobs with 'keys: runtime'), one row per root row, one column per key part (at most 8)"/>
<#assign ddl>
CREATE TABLE ${schema}.RUN_KEY (
    run_id NUMBER(19)          NOT NULL,
    key_no NUMBER(10)          NOT NULL,
    k1     VARCHAR2(4000 BYTE) NOT NULL,
    k2     VARCHAR2(4000 BYTE),
    k3     VARCHAR2(4000 BYTE),
    k4     VARCHAR2(4000 BYTE),
    k5     VARCHAR2(4000 BYTE),
    k6     VARCHAR2(4000 BYTE),
    k7     VARCHAR2(4000 BYTE),
    k8     VARCHAR2(4000 BYTE),
    CONSTRAINT run_key_pk PRIMARY KEY (run_id, key_no),
    CONSTRAINT run_key_run_fk FOREIGN KEY (run_id) REFERENCES ${schema}.RUN (run_id)
)</#assign>
<@lib.ensure kind="TABLE" owner=schemaName name="RUN_KEY" ddl=ddl/>
