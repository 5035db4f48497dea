-- The table saved audits go to (docs/audit.md#saved-audits): the only thing the audit ever writes, and only with
-- --save. One row per table and audit, with the write counters a later audit compares.
CREATE SCHEMA IF NOT EXISTS declutter;
CREATE TABLE IF NOT EXISTS declutter.audit (
    audit_id       bigint      NOT NULL,
    taken_at       timestamptz NOT NULL,
    schema_name    text        NOT NULL,
    table_name     text        NOT NULL,
    total_bytes    bigint      NOT NULL,
    row_estimate   bigint      NOT NULL,
    inserts        bigint      NOT NULL,
    updates        bigint      NOT NULL,
    deletes        bigint      NOT NULL,
    counters_since timestamptz,
    PRIMARY KEY (audit_id, schema_name, table_name)
)
