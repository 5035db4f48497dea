-- User triggers on tables, whatever they fire on (compound ones included), enabled or not.
-- events: INSERT, UPDATE, DELETE as TRIGGERING_EVENT lists them ('INSERT OR UPDATE OR DELETE'), comma-separated.
-- fires_on_rollback: Oracle has no session switch for triggers, so rollback fires every enabled INSERT or UPDATE
-- trigger of the tables it restores (plan says so).
-- function_language, function_body, search_path: NULL, so every trigger's writes are unknown (plan warns about each
-- DELETE trigger on a purged table): the body (ALL_TRIGGERS.TRIGGER_BODY) is a LONG and is not read, and
-- ALL_DEPENDENCIES lists the tables a trigger references without saying whether it reads or writes them.
SELECT tr.table_owner AS schema_name,
       tr.table_name AS table_name,
       tr.trigger_name AS trigger_name,
       CASE WHEN tr.trigger_type LIKE 'BEFORE%' THEN 'BEFORE'
            WHEN tr.trigger_type LIKE 'AFTER%' THEN 'AFTER'
            WHEN tr.trigger_type LIKE 'INSTEAD OF%' THEN 'INSTEAD OF'
            ELSE 'COMPOUND' END AS timing,
       REPLACE(TRIM(tr.triggering_event), ' OR ', ',') AS events,
       CASE WHEN tr.trigger_type LIKE '%EACH ROW' THEN 'ROW'
            WHEN tr.trigger_type LIKE '%STATEMENT' THEN 'STATEMENT'
            ELSE NULL END AS trigger_level,
       CASE WHEN tr.status = 'ENABLED' THEN 1 ELSE 0 END AS enabled,
       CASE WHEN tr.status = 'ENABLED' THEN 1 ELSE 0 END AS fires_on_rollback,
       CAST(NULL AS VARCHAR2(30)) AS function_language,
       CAST(NULL AS VARCHAR2(30)) AS function_body,
       CAST(NULL AS VARCHAR2(30)) AS search_path
  FROM all_triggers tr
  JOIN all_users u ON u.username = tr.table_owner
 WHERE tr.base_object_type = 'TABLE'
   AND REGEXP_LIKE(tr.triggering_event, 'INSERT|UPDATE|DELETE')
   AND u.oracle_maintained = 'N'
   AND tr.table_owner <> 'DECLUTTER'
 ORDER BY 1, 2, 3
