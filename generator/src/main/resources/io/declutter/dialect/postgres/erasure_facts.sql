-- What an erasure receipt states about run ? besides its counts (docs/archive.md#receipt): the role that started
-- it, the start of its first delete batch and the end of its last, and the note of its expiry (the verify result
-- just before its backup was dropped). The framework schema is formatted in (%1$s).
SELECT r.started_by,
       (SELECT min(l.started_at) FROM %1$s.log AS l
         WHERE l.run_id = r.run_id AND l.action IN ('delete', 'catch-up delete') AND l.rows > 0),
       (SELECT max(l.ended_at) FROM %1$s.log AS l
         WHERE l.run_id = r.run_id AND l.action IN ('delete', 'catch-up delete') AND l.rows > 0),
       (SELECT l.message FROM %1$s.log AS l
         WHERE l.run_id = r.run_id AND l.action = 'expire' ORDER BY l.log_id DESC LIMIT 1)
  FROM %1$s.run AS r
 WHERE r.run_id = ?
