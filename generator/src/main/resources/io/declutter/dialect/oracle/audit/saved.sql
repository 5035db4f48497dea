-- One saved audit: the one asked for (?), or the latest when ? is 0.
SELECT a.audit_id AS audit_id, a.taken_at AS taken_at, a.schema_name AS schema_name, a.table_name AS table_name,
       a.total_bytes AS total_bytes, a.row_estimate AS row_estimate, a.inserts AS inserts, a.updates AS updates,
       a.deletes AS deletes, a.counters_since AS counters_since
  FROM declutter.audit a
 WHERE a.audit_id = (SELECT CASE WHEN ? = 0 THEN MAX(audit_id) ELSE ? END FROM declutter.audit)
 ORDER BY 3, 4
