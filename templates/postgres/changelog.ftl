<?xml version="1.0" encoding="UTF-8"?>
<!--
  declutter: Liquibase changelog for job ${job.name} (root ${job.rootDisplay?replace("--", "- -")}, schemas ${job.schemas?replace("--", "- -")}).
  One changeset per database object; each is re-run when its file changes (runOnChange). Procedure
  bodies are sent whole (splitStatements="false"). Generated: regenerate rather than edit.
-->
<databaseChangeLog
    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
<#list files as f>

    <changeSet id="${f.changeSet}" author="declutter" runOnChange="true">
        <sqlFile path="${f.path}" relativeToChangelogFile="true" splitStatements="false" stripComments="false" encoding="UTF-8"/>
    </changeSet>
</#list>
</databaseChangeLog>
