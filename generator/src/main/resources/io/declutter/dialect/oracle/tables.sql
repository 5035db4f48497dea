-- Tables of application schemas (schemas Oracle does not maintain itself, and not declutter's own).
-- Row estimates come from optimizer statistics (NUM_ROWS; 0 when never gathered). Partitions are not tables
-- in Oracle: a partitioned table is purged as one table. Temporary, nested, IOT overflow, secondary and
-- dropped (recycle bin) tables hold nothing a purge can follow.
SELECT t.owner AS schema_name,
       t.table_name AS table_name,
       CASE t.partitioned WHEN 'YES' THEN 1 ELSE 0 END AS partitioned,
       NVL(t.num_rows, 0) AS row_estimate,
       -- What the PostgreSQL query reads about running as the current role (row-level security, DELETE rules,
       -- exclusion constraints, privileges) is not read here: NULL, so plan reports none of it (docs/oracle.md).
       NULL AS role, NULL AS quoted_name, NULL AS row_security, NULL AS force_row_security, NULL AS rls_bypassed,
       NULL AS owner, NULL AS policies, NULL AS missing_privileges, NULL AS exclusion_constraints,
       NULL AS instead_delete_rules, NULL AS also_delete_rules, NULL AS sequence_privileges
  FROM all_tables t
  JOIN all_users u ON u.username = t.owner
 WHERE u.oracle_maintained = 'N'
   AND t.owner <> 'DECLUTTER'
   AND t.temporary = 'N'
   AND t.nested = 'NO'
   AND t.secondary = 'N'
   AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
 ORDER BY 1, 2
