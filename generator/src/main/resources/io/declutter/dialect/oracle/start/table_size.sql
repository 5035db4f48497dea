-- The space a table takes (docs/throttle.md#start-thresholds): the bytes of its segments, its indexes' (in any
-- schema) and its LOB segments and LOB indexes', from DBA_SEGMENTS (parameters: owner and table, four times). A table
-- created with deferred segment creation that holds no row has no segment: 0.
SELECT NVL(SUM(s.bytes), 0) AS size_bytes
  FROM dba_segments s
  JOIN (SELECT t.owner, t.table_name AS segment_name FROM dba_tables t WHERE t.owner = ? AND t.table_name = ?
        UNION
        SELECT i.owner, i.index_name FROM dba_indexes i WHERE i.table_owner = ? AND i.table_name = ?
        UNION
        SELECT l.owner, l.segment_name FROM dba_lobs l WHERE l.owner = ? AND l.table_name = ?
        UNION
        SELECT l.owner, l.index_name FROM dba_lobs l WHERE l.owner = ? AND l.table_name = ?) o
    ON o.owner = s.owner AND o.segment_name = s.segment_name
