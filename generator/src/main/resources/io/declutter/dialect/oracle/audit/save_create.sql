-- The table saved audits go to (docs/audit.md#saved-audits), in the DECLUTTER schema a DBA created
-- (setup_schema.sql): the only thing the audit writes, and only with --save. Not run on Oracle.
DECLARE
    v_count PLS_INTEGER;
BEGIN
    SELECT COUNT(*) INTO v_count FROM all_tables WHERE owner = 'DECLUTTER' AND table_name = 'AUDIT';
    IF v_count = 0 THEN
        EXECUTE IMMEDIATE q'[CREATE TABLE declutter.audit (
    audit_id       NUMBER(19)               NOT NULL,
    taken_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    schema_name    VARCHAR2(128 CHAR)       NOT NULL,
    table_name     VARCHAR2(128 CHAR)       NOT NULL,
    total_bytes    NUMBER(19)               NOT NULL,
    row_estimate   NUMBER(19)               NOT NULL,
    inserts        NUMBER(19)               NOT NULL,
    updates        NUMBER(19)               NOT NULL,
    deletes        NUMBER(19)               NOT NULL,
    counters_since TIMESTAMP WITH TIME ZONE,
    CONSTRAINT audit_pk PRIMARY KEY (audit_id, schema_name, table_name)
)]';
    END IF;
END;
/
