<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.api_request" purpose="the Idempotency-Key of every run started through the API of declutter serve, so that a retried call returns the same run, after a restart and on every instance"/>
-- A row is written once the run has begun (docs/serve.md#idempotency): the key the client chose, the job, the run it
-- started and the name of the API token that started it. Rows are small and few (one per triggered run).
CREATE TABLE IF NOT EXISTS ${schema}.api_request (
    idempotency_key text        PRIMARY KEY,
    job             text        NOT NULL,
    run_id          bigint      NOT NULL REFERENCES ${schema}.run (run_id),
    token_name      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
