<#import "../lib.ftl" as lib>
<@lib.header object="record table ${n.backup}" purpose="keys and old values of the ${n.childDisplay} rows whose ${n.constraint} columns the database resets (ON DELETE ${n.setDefault?then('SET DEFAULT', 'SET NULL')}) when a run purges their parent; rollback writes the values back"/>
CREATE TABLE IF NOT EXISTS ${n.backup} (
    declutter_run bigint NOT NULL,
<#list n.stored() as c>
    ${c.name} ${c.type},
</#list>
    PRIMARY KEY (declutter_run, ${n.keyList("")})
);

COMMENT ON TABLE ${n.backup} IS ${job.literal("declutter: values reset through " + lib.line(n.constraint) + " for job " + job.name)};
