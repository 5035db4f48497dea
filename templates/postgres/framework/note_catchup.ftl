<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.note_catchup" purpose="records rows found by the catch-up pass (inserted since the cache, referencing purged rows): backed up (p_upper NULL) or deleted (p_upper = new watermark)"/>
CREATE OR REPLACE FUNCTION ${schema}.note_catchup(p_run bigint, p_edge integer, p_table text, p_upper bigint,
                                                 p_rows bigint, p_started timestamptz)
RETURNS void
LANGUAGE sql
AS $fn$
    UPDATE ${schema}.control
       SET rows_cached  = rows_cached + CASE WHEN p_upper IS NULL THEN p_rows ELSE 0 END,
           rows_deleted = rows_deleted + CASE WHEN p_upper IS NULL THEN 0 ELSE p_rows END,
           watermark    = GREATEST(watermark, COALESCE(p_upper, watermark))
     WHERE run_id = p_run AND edge_id = p_edge;

    INSERT INTO ${schema}.log (run_id, edge_id, table_name, action, rows, started_at)
    VALUES (p_run, p_edge, p_table, CASE WHEN p_upper IS NULL THEN 'catch-up' ELSE 'catch-up delete' END, p_rows,
            p_started);
$fn$;
