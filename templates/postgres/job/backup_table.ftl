<#import "../lib.ftl" as lib>
<@lib.header object="backup table ${t.backup}" purpose="${job.backup?then('full copy', 'keys')} of the ${t.display} rows each run purges, with the run id and a sequence number that orders the delete batches"/>
CREATE TABLE IF NOT EXISTS ${t.backup} (
    declutter_run bigint NOT NULL,
    declutter_seq bigint GENERATED ALWAYS AS IDENTITY,
<#list t.backupColumns as c>
    ${c.name} ${c.type},
</#list>
<#if t.rowIdentity>
    -- No key (docs/design.md#tables-without-a-key): every deleted row is kept once, duplicates included.
    PRIMARY KEY (declutter_run, declutter_seq)
<#else>
    PRIMARY KEY (declutter_run, ${t.keyList("")})
</#if>
);

-- Keeps a backup table created by an earlier deploy in step with columns added to ${lib.line(t.display)} since.
ALTER TABLE ${t.backup}
<#list t.backupColumns as c>
    ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}${c?is_last?then(';', ',')}
</#list>

-- Backups are readable by the role owning the purge only (docs/archive.md#access): no grant to PUBLIC survives,
-- whatever default privileges the schema has.
REVOKE ALL ON TABLE ${t.backup} FROM PUBLIC;

-- Delete batches walk the backup of a run in sequence order.
CREATE INDEX IF NOT EXISTS ${t.backupIndex} ON ${t.backup} (declutter_run, declutter_seq);

COMMENT ON TABLE ${t.backup} IS ${job.literal("declutter backup of " + t.display + " for job " + job.name)};
