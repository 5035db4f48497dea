INSERT INTO declutter.audit (audit_id, taken_at, schema_name, table_name, total_bytes, row_estimate, inserts, updates,
                             deletes, counters_since)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
