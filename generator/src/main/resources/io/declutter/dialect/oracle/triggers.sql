-- Enabled user triggers on tables that fire on DELETE (alone or among other events, compound ones included).
SELECT tr.table_owner AS schema_name,
       tr.table_name AS table_name,
       tr.trigger_name AS trigger_name
  FROM all_triggers tr
  JOIN all_users u ON u.username = tr.table_owner
 WHERE tr.base_object_type = 'TABLE'
   AND tr.status = 'ENABLED'
   AND tr.triggering_event LIKE '%DELETE%'
   AND u.oracle_maintained = 'N'
   AND tr.table_owner <> 'DECLUTTER'
 ORDER BY 1, 2, 3
