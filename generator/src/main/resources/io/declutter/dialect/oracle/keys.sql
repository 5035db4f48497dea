-- Primary keys and unique constraints, plus unique indexes on plain columns that back no constraint (no
-- function-based index): the keys rows can be matched on and that foreign keys can reference.
SELECT k.schema_name, k.table_name, k.key_name, k.is_primary, k.column_name, k.position
  FROM (SELECT con.owner AS schema_name,
               con.table_name AS table_name,
               con.constraint_name AS key_name,
               CASE con.constraint_type WHEN 'P' THEN 1 ELSE 0 END AS is_primary,
               cc.column_name AS column_name,
               cc.position AS position
          FROM all_constraints con
          JOIN all_cons_columns cc
            ON cc.owner = con.owner AND cc.constraint_name = con.constraint_name AND cc.table_name = con.table_name
         WHERE con.constraint_type IN ('P', 'U')
           AND con.status = 'ENABLED'
        UNION ALL
        SELECT ix.table_owner,
               ix.table_name,
               ix.index_name,
               0,
               ic.column_name,
               ic.column_position
          FROM all_indexes ix
          JOIN all_ind_columns ic ON ic.index_owner = ix.owner AND ic.index_name = ix.index_name
         WHERE ix.uniqueness = 'UNIQUE'
           AND ix.index_type IN ('NORMAL', 'IOT - TOP', 'BITMAP')
           AND NOT EXISTS (SELECT 1
                             FROM all_constraints x
                            WHERE x.index_owner = ix.owner AND x.index_name = ix.index_name
                              AND x.constraint_type IN ('P', 'U'))) k
  JOIN all_tables t ON t.owner = k.schema_name AND t.table_name = k.table_name
  JOIN all_users u ON u.username = t.owner
 WHERE u.oracle_maintained = 'N'
   AND t.owner <> 'DECLUTTER'
   AND t.temporary = 'N'
   AND t.nested = 'NO'
   AND t.secondary = 'N'
   AND t.dropped = 'NO'
 ORDER BY 1, 2, 3, 6
