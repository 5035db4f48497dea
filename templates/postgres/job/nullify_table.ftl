<#import "../lib.ftl" as lib>
<@lib.header object="record table ${n.backup}" purpose="keys and old values of the ${n.childDisplay} rows whose ${n.constraint} columns the database resets (ON DELETE ${n.setDefault?then('SET DEFAULT', 'SET NULL')}) when a run purges their parent; rollback writes the values back"/>
CREATE TABLE IF NOT EXISTS ${n.backup} (
    declutter_run bigint NOT NULL,
    declutter_seq bigint GENERATED ALWAYS AS IDENTITY,
<#list n.stored() as c>
    ${c.name} ${c.type},
</#list>
    PRIMARY KEY (declutter_run, ${n.keyList("")})
);

-- The order the records were written in, as in the backup tables: an archive exports them in that order, and an
-- archive written unit by unit takes the records each unit added (docs/archive.md#archive-before-delete). Added after
-- the first release: upgrades add it here.
ALTER TABLE ${n.backup} ADD COLUMN IF NOT EXISTS declutter_seq bigint GENERATED ALWAYS AS IDENTITY;

-- Readable by the role owning the purge only, like the backups (docs/archive.md#access).
REVOKE ALL ON TABLE ${n.backup} FROM PUBLIC;

COMMENT ON TABLE ${n.backup} IS ${job.literal("declutter: values reset through " + lib.line(n.constraint) + " for job " + job.name)};
