<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.note_restore" purpose="records rows a rollback put back into one table"/>
CREATE OR REPLACE FUNCTION ${schema}.note_restore(p_run bigint, p_edge integer, p_table text, p_rows bigint,
                                                 p_started timestamptz)
RETURNS void
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.control SET rows_restored = rows_restored + p_rows
     WHERE run_id = p_run AND edge_id = p_edge;

    INSERT INTO ${schema}.log (run_id, edge_id, table_name, action, rows, started_at)
    VALUES (p_run, p_edge, p_table, 'restore', p_rows, p_started);
$fn$;
