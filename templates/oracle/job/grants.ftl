<#import "../lib.ftl" as lib>
<@lib.header object="grants for job ${job.name}" purpose="the privileges ${ora.schemaName} needs on the application tables of the job; run once by their owner or a DBA (not part of the changelog)"/>
--
-- The package runs with the rights of ${ora.schemaName} (AUTHID DEFINER), and definer-rights PL/SQL sees only
-- privileges granted directly, never through a role: hence one GRANT per table.
<#list ora.grants as g>
GRANT ${g.privileges} ON ${g.table} TO ${job.schema}
/
</#list>
