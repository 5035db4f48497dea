-- The audit only reads (docs/audit.md#read-only): every transaction of the session is read only, and a lock the
-- audit waits for longer than 2 s ends it with an error instead of queueing behind DDL. The catalog and size
-- functions take ACCESS SHARE at most, and --exact counts rows with a plain SELECT count(*) (ACCESS SHARE too).
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;
SET lock_timeout = '2s';
SET statement_timeout = '10min'
