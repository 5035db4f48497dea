-- Sessions waiting for a lock this session (the purge's) holds (docs/throttle.md#signals).
SELECT 'blocked' AS subject, count(*) AS value
  FROM pg_stat_activity
 WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))
