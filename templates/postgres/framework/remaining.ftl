<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.remaining" purpose="rows cached by a run and not yet deleted"/>
CREATE OR REPLACE FUNCTION ${schema}.remaining(p_run bigint)
RETURNS bigint
LANGUAGE sql
STABLE
AS $fn$
    SELECT GREATEST(0, COALESCE(sum(rows_cached), 0) - COALESCE(sum(rows_deleted), 0))::bigint
      FROM ${schema}.control
     WHERE run_id = p_run AND strategy = 'delete';
$fn$;
