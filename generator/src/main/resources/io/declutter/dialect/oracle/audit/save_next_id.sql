-- The number of the audit being saved (the table is locked against a concurrent save first).
SELECT NVL(MAX(audit_id), 0) + 1 AS audit_id FROM declutter.audit
