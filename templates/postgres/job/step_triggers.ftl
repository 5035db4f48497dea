<#-- Included by step.ftl: the calls that disable the triggers the job names around a delete batch and count what
     the kept ones write (job/triggers.ftl defines the functions). Defines macros only; each renders nothing when the
     job has no trigger to disable or to watch. -->
<#macro countBefore indent>
<#if job.triggers.watched()>
${indent}-- Rows of the tables the kept DELETE triggers write outside the closure, before the first delete (once a run).
${indent}PERFORM ${job.proc('trigger_effect')}(p_run, false);
</#if>
</#macro>
<#macro disable indent>
<#if job.triggers.disable?has_content>
${indent}-- The triggers the job disables stay off for this batch's transaction only (job/triggers.sql): an error in
${indent}-- the batch rolls the DISABLE back with it.
${indent}v_action := 'disable triggers';
${indent}PERFORM ${job.proc('triggers')}(false);
</#if>
</#macro>
<#macro enable indent>
<#if job.triggers.disable?has_content>
${indent}-- Before the batch commits: no trigger stays disabled beyond it.
${indent}PERFORM ${job.proc('triggers')}(true);
</#if>
</#macro>
<#macro countAfter indent>
<#if job.triggers.watched()>
${indent}-- The same tables counted again at the run's end: verify and rollback report the difference.
${indent}PERFORM ${job.proc('trigger_effect')}(p_run, true);
</#if>
</#macro>
