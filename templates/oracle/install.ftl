<#import "lib.ftl" as lib>
-- ============================================================================
-- declutter: everything job ${job.name} needs, in deploy order, for SQL*Plus or SQLcl:
--     sqlplus ${ora.schemaName}@db @install.sql
-- Job:      ${job.name} (root ${lib.line(job.rootDisplay)})
-- Schemas:  ${lib.line(job.schemas)}
-- Target:   Oracle ${ora.version}
-- First, once, as a DBA: setup_schema.sql (the ${ora.schemaName} schema) and ${job.name}/grants.sql.
-- The same objects are in the separate files next to this one, deployed one
-- changeset each by changelog.xml (declutter deploy). Generated: do not edit.
-- ============================================================================
SET DEFINE OFF
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
<#list files as f>

-- >>> ${f.path}
${f.content}</#list>
