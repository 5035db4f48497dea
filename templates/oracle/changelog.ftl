<?xml version="1.0" encoding="UTF-8"?>
<!--
  declutter: Liquibase changelog for job ${job.name} on Oracle ${ora.version} (root ${job.rootDisplay?replace("--", "- -")}, schemas ${job.schemas?replace("--", "- -")}).
  One changeset per database object; each is re-run when its file changes (runOnChange), and every file can be
  run again. Statements end with a line holding only "/" (endDelimiter), so PL/SQL bodies are sent whole, with
  their own semicolons. Run it as ${ora.schemaName} (or a user allowed to create objects in that schema), after
  a DBA has run setup_schema.sql and ${job.name}/grants.sql. Generated: regenerate rather than edit.
-->
<databaseChangeLog
    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
<#list files as f>

    <changeSet id="${f.changeSet}" author="declutter" runOnChange="true" dbms="oracle">
        <sqlFile path="${f.path}" relativeToChangelogFile="true" splitStatements="true" endDelimiter="/" stripComments="false" encoding="UTF-8"/>
    </changeSet>
</#list>
</databaseChangeLog>
