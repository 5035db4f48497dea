-- The audit only reads (docs/audit.md#read-only): each of its transactions starts with SET TRANSACTION READ ONLY
-- (read_begin.sql), and a DDL lock it would wait for longer than 2 s ends it with an error. Queries take no
-- table locks in Oracle; --exact counts with a plain SELECT COUNT(*). Not run on Oracle (docs/oracle.md).
ALTER SESSION SET DDL_LOCK_TIMEOUT = 2
