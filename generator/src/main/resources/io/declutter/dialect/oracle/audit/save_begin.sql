-- The one read-write transaction of an audit, for --save.
SET TRANSACTION READ WRITE
