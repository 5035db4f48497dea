<#import "../lib.ftl" as lib>
<#assign x = ora.x(t)>
<@lib.header object="backup table ${t.backup}" purpose="${job.backup?then('full copy', 'keys')} of the ${t.display} rows each run purges, with the run id and a sequence number that orders the delete batches"/>
<#if x.hasLob>
--
-- LOB columns (<#list x.lobColumns as c>${lib.line(c)}<#sep>, </#sep></#list>) are copied whole by INSERT ... SELECT (deep copy).
</#if>
-- The sequence numbering backup rows. ORDER: increasing in insert order on RAC too (units of a run may run on
-- different instances), so a batch boundary (the watermark) never skips a row.
<#assign ddl>
CREATE SEQUENCE ${x.backupSeq} CACHE 1000 ORDER</#assign>
<@lib.ensure kind="SEQUENCE" owner=ora.schemaName name=x.backupSeqName ddl=ddl/>

<#assign ddl>
CREATE TABLE ${t.backup} (
    declutter_run NUMBER(19) NOT NULL,
    declutter_seq NUMBER(19) DEFAULT ${x.backupSeq}.NEXTVAL NOT NULL,
<#list x.columns as c>
    ${c.name} ${c.type},
</#list>
    CONSTRAINT ${x.backupPk} PRIMARY KEY (declutter_run, ${t.keyList("")})
)</#assign>
<@lib.ensure kind="TABLE" owner=ora.schemaName name=x.backupName ddl=ddl/>

-- Keeps a backup table created by an earlier deploy in step with columns added to ${lib.line(t.display)} since.
DECLARE
    PROCEDURE add_missing(p_column IN VARCHAR2, p_definition IN VARCHAR2) IS
        v_count PLS_INTEGER;
    BEGIN
        SELECT COUNT(*) INTO v_count FROM all_tab_cols
         WHERE owner = ${lib.lit(ora.schemaName)} AND table_name = ${lib.lit(x.backupName)} AND column_name = p_column;
        IF v_count = 0 THEN
            EXECUTE IMMEDIATE ${lib.ql("ALTER TABLE " + t.backup + " ADD (")} || p_definition || ')';
        END IF;
    END add_missing;
BEGIN
<#list x.columns as c>
    add_missing(${lib.lit(c.raw)}, ${lib.ql(c.name + " " + c.type)});
</#list>
END;
/

-- Delete batches walk the backup of a run in sequence order.
<#assign ddl>
CREATE INDEX ${x.backupIndex} ON ${t.backup} (declutter_run, declutter_seq)</#assign>
<@lib.ensure kind="INDEX" owner=ora.schemaName name=x.backupIndexName ddl=ddl/>

COMMENT ON TABLE ${t.backup} IS ${lib.lit("declutter backup of " + t.display + " for job " + job.name)}
/
