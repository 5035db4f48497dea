<#import "../lib.ftl" as lib>
<#assign y = ora.nx(n)>
<@lib.header object="record table ${n.backup}" purpose="keys and old values of the ${n.childDisplay} rows whose ${n.constraint} columns the database resets (ON DELETE SET NULL) when a run purges their parent; rollback writes the values back"/>
<#assign ddl>
CREATE TABLE ${n.backup} (
    declutter_run NUMBER(19) NOT NULL,
<#list n.stored() as c>
    ${c.name} ${c.type},
</#list>
    CONSTRAINT ${y.backupPk} PRIMARY KEY (declutter_run, ${n.keyList("")})
)</#assign>
<@lib.ensure kind="TABLE" owner=ora.schemaName name=y.backupName ddl=ddl/>

COMMENT ON TABLE ${n.backup} IS ${lib.lit("declutter: values reset through " + lib.line(n.constraint) + " for job " + job.name)}
/
