<?xml version="1.0" encoding="UTF-8"?>
<!--
  declutter: Liquibase changelog for job ${job.name} (root ${job.rootDisplay?replace("--", "- -")}, schemas ${job.schemas?replace("--", "- -")}).
  One changeset per framework object, per purged table (its backup table, the record tables of the
  SET NULL keys into it, its late and delete procedures) and per job procedure; each is re-run when
  one of its files changes (runOnChange). Procedure bodies are sent whole (splitStatements="false").
  Generated: regenerate rather than edit.
-->
<databaseChangeLog
    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
<#list changeSets as c>

    <changeSet id="${c.id}" author="declutter" runOnChange="true">
<#list c.paths as path>
        <sqlFile path="${path}" relativeToChangelogFile="true" splitStatements="false" stripComments="false" encoding="UTF-8"/>
</#list>
    </changeSet>
</#list>
</databaseChangeLog>
