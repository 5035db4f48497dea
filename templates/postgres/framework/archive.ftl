<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.archive" purpose="one row per archive of a run's backup written outside the database (declutter archive): where, its checksum, who and when"/>
-- The archive itself (compressed CSV files and a manifest, docs/archive.md) lives outside the database; this row
-- says where a copy of the run's purged rows still exists, for 'declutter receipt' and for the message of a
-- rollback refused because the backup expired. It holds no purged value.
CREATE TABLE IF NOT EXISTS ${schema}.archive (
    archive_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     bigint      NOT NULL REFERENCES ${schema}.run (run_id),
    location   text        NOT NULL,  -- the archive's directory, as the runner that wrote it named it
    sha256     text        NOT NULL,  -- the archive's own checksum (SHA-256 of its SHA256SUMS file)
    tables     integer     NOT NULL,
    rows       bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by text        NOT NULL DEFAULT session_user
);
CREATE INDEX IF NOT EXISTS archive_by_run ON ${schema}.archive (run_id);
