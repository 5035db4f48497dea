-- What an erasure receipt states about a run (the parameter) besides its counts (docs/archive.md#receipt): the user that started
-- it, the start of its first delete batch and the end of its last, and the note of its expiry (the verify result
-- just before its backup was dropped). The framework schema is formatted in (%1$s). (ROWS is a reserved word in
-- Oracle: the log's row count is row_count.)
SELECT r.started_by,
       (SELECT MIN(l.started_at) FROM %1$s.LOG l
         WHERE l.run_id = r.run_id AND l.action IN ('delete', 'catch-up delete') AND l.row_count > 0),
       (SELECT MAX(l.ended_at) FROM %1$s.LOG l
         WHERE l.run_id = r.run_id AND l.action IN ('delete', 'catch-up delete') AND l.row_count > 0),
       (SELECT l.message FROM %1$s.LOG l
         WHERE l.log_id = (SELECT MAX(e.log_id) FROM %1$s.LOG e WHERE e.run_id = r.run_id AND e.action = 'expire'))
  FROM %1$s.RUN r
 WHERE r.run_id = ?
