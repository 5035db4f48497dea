-- User triggers and rules on tables, whatever they fire on; internal triggers (foreign key checks) are left out.
-- events: the statements each fires on, comma-separated, in the order INSERT, UPDATE, DELETE, TRUNCATE.
-- enabled: fires for the application's statements (tgenabled / ev_enabled other than D).
-- fires_on_rollback: rollback restores with session_replication_role = replica (job/rollback.sql), which fires only
-- the triggers and rules set to ENABLE ALWAYS (A) or ENABLE REPLICA (R).
-- function_language, function_body, search_path: what declutter reads the written tables from (introspect/
-- FunctionWrites): a trigger's function source (pg_proc.prosrc) and the search_path it is declared with (proconfig,
-- NULL when it runs with the caller's); a rule's definition (pg_get_ruledef, which qualifies every name that the
-- reading session's search_path would not find), read as SQL.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       t.tgname AS trigger_name,
       CASE WHEN (t.tgtype & 2) <> 0 THEN 'BEFORE' WHEN (t.tgtype & 64) <> 0 THEN 'INSTEAD OF' ELSE 'AFTER' END
           AS timing,
       concat_ws(',', CASE WHEN (t.tgtype & 4) <> 0 THEN 'INSERT' END, CASE WHEN (t.tgtype & 16) <> 0 THEN 'UPDATE' END,
                 CASE WHEN (t.tgtype & 8) <> 0 THEN 'DELETE' END, CASE WHEN (t.tgtype & 32) <> 0 THEN 'TRUNCATE' END)
           AS events,
       CASE WHEN (t.tgtype & 1) <> 0 THEN 'ROW' ELSE 'STATEMENT' END AS trigger_level,
       t.tgenabled <> 'D' AS enabled,
       t.tgenabled IN ('A', 'R') AS fires_on_rollback,
       l.lanname AS function_language,
       p.prosrc AS function_body,
       (SELECT substr(s, length('search_path=') + 1) FROM unnest(p.proconfig) AS s
         WHERE s LIKE 'search\_path=%') AS search_path
  FROM pg_trigger t
  JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_language l ON l.oid = p.prolang
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
UNION ALL
SELECT n.nspname, c.relname, r.rulename, 'RULE',
       CASE r.ev_type WHEN '2' THEN 'UPDATE' WHEN '3' THEN 'INSERT' WHEN '4' THEN 'DELETE' END,
       '', r.ev_enabled <> 'D', r.ev_enabled IN ('A', 'R'), 'sql', pg_get_ruledef(r.oid), NULL
  FROM pg_rewrite r
  JOIN pg_class c ON c.oid = r.ev_class
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE r.ev_type IN ('2', '3', '4')
   AND c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
 ORDER BY 1, 2, 3
