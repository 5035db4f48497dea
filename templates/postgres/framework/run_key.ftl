<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.run_key" purpose="root keys given to a run at start (jobs with 'keys: runtime'), one text array per root row"/>
CREATE TABLE IF NOT EXISTS ${schema}.run_key (
    run_id     bigint NOT NULL REFERENCES ${schema}.run (run_id),
    key_values text[] NOT NULL,
    PRIMARY KEY (run_id, key_values)
);

-- Root keys are values of the purged rows: only the role owning the purge reads them (docs/archive.md#access).
REVOKE ALL ON TABLE ${schema}.run_key FROM PUBLIC;
