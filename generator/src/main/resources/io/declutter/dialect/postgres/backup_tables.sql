-- The backup tables of one job (parameters: the framework schema as SQL spells it, the job), in restore order: the
-- closure's own tables root first (by height, as rollback puts them back), then the backups of the values SET NULL
-- edges reset. With each, the table it copies and its columns in order, with their types as the catalog spells them
-- (docs/archive.md#format). The control table's name is formatted in (%1$s): it lives in the framework schema.
WITH b AS (
    SELECT c.backup_table,
           min(c.child_table) AS source_table,
           bool_or(c.strategy = 'delete') AS holds_rows,
           max(c.height) AS height
      FROM %1$s.control AS c
     WHERE c.job = ? AND c.backup_table IS NOT NULL
     GROUP BY c.backup_table
)
SELECT b.source_table, b.backup_table, b.holds_rows, a.attname, format_type(a.atttypid, a.atttypmod)
  FROM b
  JOIN pg_attribute AS a ON a.attrelid = to_regclass(? || '.' || quote_ident(b.backup_table))
 WHERE a.attnum > 0 AND NOT a.attisdropped
 ORDER BY b.holds_rows DESC, b.height DESC, b.source_table, b.backup_table, a.attnum
