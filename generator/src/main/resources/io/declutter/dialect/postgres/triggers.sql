-- User triggers that fire on DELETE (or on every event); internal ones (foreign key checks) are left out.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       t.tgname AS trigger_name
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal
   AND (t.tgtype & 8) <> 0
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
 ORDER BY 1, 2, 3
