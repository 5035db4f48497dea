<#import "lib.ftl" as lib>
-- ============================================================================
-- declutter: everything job ${job.name} needs, in deploy order, for psql:
--     psql -v ON_ERROR_STOP=1 -f install.sql
-- Job:      ${job.name} (root ${lib.line(job.rootDisplay)})
-- Schemas:  ${lib.line(job.schemas)}
-- The same objects are in the separate files next to this one, deployed by
-- changelog.xml (declutter deploy). Generated: do not edit.
-- ============================================================================
<#list files as f>

-- >>> ${f.path}
${f.content}</#list>
