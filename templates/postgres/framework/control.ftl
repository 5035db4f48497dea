<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.control" purpose="the control table: one row per foreign-key edge of each job's purge closure, with the progress of the job's current run"/>
CREATE TABLE IF NOT EXISTS ${schema}.control (
    job             text        NOT NULL,
    edge_id         integer     NOT NULL,             -- 1 is the root table itself
    constraint_name text,                             -- NULL for the root
    parent_edge_id  integer,                          -- primary edge of the parent table
    parent_table    text        NOT NULL,
    child_table     text        NOT NULL,
    parent_columns  text[],
    child_columns   text[],
    on_delete       text,
    strategy        text        NOT NULL CHECK (strategy IN ('delete', 'set null', 'skip')),
    depth           integer     NOT NULL,
    height          integer     NOT NULL,             -- 0 = leaf; deleted in ascending, cached in descending height
    cycle_group     integer     NOT NULL DEFAULT 0,   -- 0 = in no cycle
    breaks_cycle    boolean     NOT NULL DEFAULT false,
    is_primary      boolean     NOT NULL DEFAULT false, -- carries the child table's delete and restore progress
    backup_table    text,
    -- progress of the job's current run
    run_id          bigint,
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'cached', 'deleting', 'deleted', 'skipped')),
    rows_cached     bigint      NOT NULL DEFAULT 0,
    rows_deleted    bigint      NOT NULL DEFAULT 0,
    rows_restored   bigint      NOT NULL DEFAULT 0,
    watermark       bigint      NOT NULL DEFAULT 0,   -- last backup sequence number deleted
    last_error      text,
    started_at      timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (job, edge_id)
);

-- The step and the cache look up, for one edge, whether any edge into its table (or into its parent table) counted
-- a row cached (docs/design.md#cache, docs/design.md#delete-batches): once per unit, so by index, not by a scan of
-- the job's edges (3,000 in a wide schema).
CREATE INDEX IF NOT EXISTS control_by_child_table ON ${schema}.control (job, child_table);

-- Every unit records its progress by run and edge (note_cache, note_delete, note_catchup: WHERE run_id = ... AND
-- edge_id = ...), without the job the primary key starts with: by index, not by a scan of every job's edges.
CREATE INDEX IF NOT EXISTS control_by_run_edge ON ${schema}.control (run_id, edge_id);
