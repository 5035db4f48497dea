<#import "../lib.ftl" as lib>
<@lib.header object="table ${schema}.run" purpose="one row per purge run: its job, state, window deadline and pause flag"/>
CREATE TABLE IF NOT EXISTS ${schema}.run (
    run_id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job             text        NOT NULL,
    -- running -> done, or failed (resumable) -> running ...; any state -> rolling back -> rolled back;
    -- done or rolled back -> expired (its backup rows dropped, docs/archive.md#expiry)
    status          text        NOT NULL DEFAULT 'running'
                                CONSTRAINT run_status_check
                                CHECK (status IN ('running', 'failed', 'done', 'rolling back', 'rolled back', 'expired')),
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at        timestamptz,
    deadline        timestamptz,
    batch_size      integer,
    pause_requested boolean     NOT NULL DEFAULT false,
    last_error      text
);
-- When the run last proved, before deleting, that the catalog holds no foreign key its plan does not know
-- (reset at every start and resume). Added after the first release: upgrades add it here.
ALTER TABLE ${schema}.run ADD COLUMN IF NOT EXISTS fks_checked_at timestamptz;
-- When and by whom the run's backup rows were dropped (docs/archive.md#expiry), and the status the run had then.
-- Added after the first release: upgrades add them here, and let the status say 'expired'.
-- The role that started the run, for its erasure receipt (docs/archive.md#receipt); unknown for runs started before.
-- (The default is set apart, so that the rows already there stay NULL rather than name whoever deploys.)
ALTER TABLE ${schema}.run ADD COLUMN IF NOT EXISTS started_by text;
ALTER TABLE ${schema}.run ALTER COLUMN started_by SET DEFAULT session_user;
ALTER TABLE ${schema}.run ADD COLUMN IF NOT EXISTS expired_at timestamptz;
ALTER TABLE ${schema}.run ADD COLUMN IF NOT EXISTS expired_by text;
ALTER TABLE ${schema}.run ADD COLUMN IF NOT EXISTS expired_from text;
ALTER TABLE ${schema}.run DROP CONSTRAINT IF EXISTS run_status_check;
ALTER TABLE ${schema}.run ADD CONSTRAINT run_status_check
    CHECK (status IN ('running', 'failed', 'done', 'rolling back', 'rolled back', 'expired'));

-- At most one unfinished run per job: a new run of the job resumes it instead.
CREATE UNIQUE INDEX IF NOT EXISTS run_one_open_per_job
    ON ${schema}.run (job) WHERE status IN ('running', 'failed');
