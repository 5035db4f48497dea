-- Each audit transaction reads only, from one consistent point in time.
SET TRANSACTION READ ONLY
