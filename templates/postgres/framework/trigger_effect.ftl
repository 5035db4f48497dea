<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.trigger_effect" purpose="row counts of the tables that DELETE triggers kept enabled write outside a run's closure, before its first delete and at its end"/>
-- A trigger on a purged table that writes other tables (an outbox, a deleted-records queue, an orphan cleanup)
-- changes rows the run neither backs up nor can restore. When the job keeps such a trigger enabled, the run counts
-- the rows of each table it writes here (docs/design.md#triggers), and verify and rollback report the difference.
-- The count is exact (count(*)) but covers every writer: rows the application wrote meanwhile count too.
-- table_name is NULL for a trigger whose writes could not be read from its body (note says why): nothing to count.
CREATE TABLE IF NOT EXISTS ${schema}.trigger_effect (
    run_id      bigint      NOT NULL REFERENCES ${schema}.run (run_id),
    table_name  text,
    triggers    text        NOT NULL,
    note        text,
    rows_before bigint,
    rows_after  bigint,
    counted_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS trigger_effect_run ON ${schema}.trigger_effect (run_id);
