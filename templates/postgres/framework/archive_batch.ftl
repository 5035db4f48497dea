<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.archive_batch" purpose="one row per file the runner archived before a unit of a run committed (backup: {archive: DIR}): which backup rows, where, their checksum"/>
-- With 'backup: {archive: DIR}' the runner writes the backup rows each unit (cache step or delete batch) added to
-- compressed CSV files and fsyncs them before the unit commits; this row is inserted in the unit's transaction, so
-- it exists exactly when the unit committed (docs/archive.md#archive-before-delete). A file it does not list was
-- written by a unit that rolled back, and is removed when the run goes on. A file holds the rows of one backup table
-- with declutter_seq in (seq_after, seq_upto]. It holds no purged value.
CREATE TABLE IF NOT EXISTS ${schema}.archive_batch (
    run_id     bigint      NOT NULL REFERENCES ${schema}.run (run_id),
    batch      integer     NOT NULL,  -- the unit's number in the run's archive, from 1
    file       text        NOT NULL,  -- the file's name in the run's archive directory
    archive_id bigint      NOT NULL REFERENCES ${schema}.archive (archive_id),
    backup     text        NOT NULL,  -- the backup table, as its name is in the control table
    seq_after  bigint      NOT NULL,
    seq_upto   bigint      NOT NULL,
    rows       bigint      NOT NULL,
    sha256     text        NOT NULL,  -- of the file
    csv_sha256 text        NOT NULL,  -- of the CSV inside it
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (run_id, file)
);
