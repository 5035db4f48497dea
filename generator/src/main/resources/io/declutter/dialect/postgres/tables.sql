-- Ordinary and partitioned tables of user schemas (partitions are reached through their parent).
-- Row estimates come from planner statistics; a partitioned parent sums its partitions.
-- What running the purge as the current role (plan connects as the role that runs it) would meet on the table, each a
-- reason a batch or a rollback can fail or do less than planned (docs/design.md#failures-the-catalog-shows-before-the-run):
-- row_security, force_row_security, rls_bypassed: row-level security is on, and whether the role escapes it
--   (superuser, BYPASSRLS, or a member of the owner role while the table does not FORCE it); policies: their names
--   (names are JSON arrays: a quoted name may hold a comma);
-- missing_privileges: of SELECT, INSERT, UPDATE, DELETE, those the role lacks on the table (statements go through
--   the partitioned parent, so only its privileges count);
-- exclusion_constraints: of the table and its partitions (they can refuse rollback's re-insert);
-- instead_delete_rules, also_delete_rules: rules ON DELETE that fire for the application's statements;
-- role, quoted_name, owner, the rule names: as SQL identifiers, for the statements plan suggests;
-- sequence_privileges: JSON, the sequences a column owns or calls (as framework function column_sequences finds
--   them) on which the role lacks UPDATE (setval) or both USAGE and SELECT (reading the state), as rollback moves them.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       (c.relkind = 'p') AS partitioned,
       GREATEST(0, CASE WHEN c.relkind = 'p'
                        THEN (SELECT COALESCE(sum(GREATEST(p.reltuples, 0)), 0)
                                FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                               WHERE i.inhparent = c.oid)
                        ELSE c.reltuples END)::bigint AS row_estimate,
       quote_ident(current_user) AS role,
       format('%I.%I', n.nspname, c.relname) AS quoted_name,
       c.relrowsecurity AS row_security,
       c.relforcerowsecurity AS force_row_security,
       (SELECT r.rolsuper OR r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user)
           OR (pg_has_role(current_user, c.relowner, 'USAGE') AND NOT c.relforcerowsecurity) AS rls_bypassed,
       quote_ident(pg_get_userbyid(c.relowner)) AS owner,
       (SELECT json_agg(p.polname ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
       concat_ws(',', CASE WHEN NOT has_table_privilege(c.oid, 'SELECT') THEN 'SELECT' END,
                 CASE WHEN NOT has_table_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
                 CASE WHEN NOT has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
                 CASE WHEN NOT has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END) AS missing_privileges,
       (SELECT json_agg(x.conname || CASE WHEN x.conrelid <> c.oid
                                          THEN ' (partition ' || x.conrelid::regclass::text || ')' ELSE '' END
                        ORDER BY x.conname, x.conrelid::regclass::text)
          FROM pg_constraint x
         WHERE x.contype = 'x'
           AND (x.conrelid = c.oid OR x.conrelid IN (SELECT t.relid FROM pg_partition_tree(c.oid) t)))
           AS exclusion_constraints,
       (SELECT json_agg(quote_ident(r.rulename) ORDER BY r.rulename) FROM pg_rewrite r
         WHERE r.ev_class = c.oid AND r.ev_type = '4' AND r.ev_enabled IN ('O', 'A') AND r.is_instead)
           AS instead_delete_rules,
       (SELECT json_agg(quote_ident(r.rulename) ORDER BY r.rulename) FROM pg_rewrite r
         WHERE r.ev_class = c.oid AND r.ev_type = '4' AND r.ev_enabled IN ('O', 'A') AND NOT r.is_instead)
           AS also_delete_rules,
       (SELECT json_agg(json_build_object('column', s.attname, 'sequence', s.seqrelid::regclass::text, 'missing',
                        array_remove(ARRAY[CASE WHEN NOT has_sequence_privilege(s.seqrelid, 'UPDATE') THEN 'UPDATE' END,
                                           CASE WHEN NOT has_sequence_privilege(s.seqrelid, 'USAGE')
                                                 AND NOT has_sequence_privilege(s.seqrelid, 'SELECT')
                                                THEN 'USAGE or SELECT' END], NULL))
                        ORDER BY s.attname, s.seqrelid::regclass::text)
          FROM (SELECT DISTINCT a.attname, q.seqrelid
                  FROM pg_attribute a
                  JOIN pg_sequence q
                    ON EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = q.seqrelid
                                  AND d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
                                  AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i'))
                    OR EXISTS (SELECT 1 FROM pg_attrdef ad
                                 JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                                WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                                  AND d.refclassid = 'pg_class'::regclass AND d.refobjid = q.seqrelid)
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) s
         WHERE NOT has_sequence_privilege(s.seqrelid, 'UPDATE')
            OR NOT (has_sequence_privilege(s.seqrelid, 'USAGE') OR has_sequence_privilege(s.seqrelid, 'SELECT')))
           AS sequence_privileges
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp%'
 ORDER BY 1, 2
