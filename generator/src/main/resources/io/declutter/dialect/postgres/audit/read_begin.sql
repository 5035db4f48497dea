-- Each audit transaction reads only (docs/audit.md#read-only); the session's default says the same.
SET TRANSACTION READ ONLY
