-- The one read-write transaction of an audit, for --save (the session's transactions are read only).
SET TRANSACTION READ WRITE
