-- As table_size.sql, for a table of the session's own schema read without access to DBA_SEGMENTS (parameter: the
-- table, four times): USER_SEGMENTS. Indexes other schemas own on it are not counted.
SELECT NVL(SUM(s.bytes), 0) AS size_bytes
  FROM user_segments s
  JOIN (SELECT t.table_name AS segment_name FROM user_tables t WHERE t.table_name = ?
        UNION
        SELECT i.index_name FROM user_indexes i WHERE i.table_name = ? AND i.table_owner = USER
        UNION
        SELECT l.segment_name FROM user_lobs l WHERE l.table_name = ?
        UNION
        SELECT l.index_name FROM user_lobs l WHERE l.table_name = ?) o
    ON o.segment_name = s.segment_name
