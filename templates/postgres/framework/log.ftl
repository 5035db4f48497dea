<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.log" purpose="one row per step of every run (cache, delete batch, retry, error, restore), so runs started from cron or pg_cron are monitored the same way"/>
CREATE TABLE IF NOT EXISTS ${schema}.log (
    log_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     bigint      NOT NULL REFERENCES ${schema}.run (run_id),
    edge_id    integer,
    table_name text,
    action     text        NOT NULL,  -- begin, cache, delete, catch-up, catch-up delete, retry, error, restore, end, expire
    rows       bigint      NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    message    text
);

CREATE INDEX IF NOT EXISTS log_by_run ON ${schema}.log (run_id, log_id);
