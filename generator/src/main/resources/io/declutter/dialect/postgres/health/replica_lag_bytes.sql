-- WAL bytes each standby has not replayed yet, worst first (docs/throttle.md#signals); NULL (unknown)
-- when the row is hidden from this user.
SELECT COALESCE(NULLIF(application_name, ''), host(client_addr), 'pid ' || pid) AS subject,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS value
  FROM pg_stat_replication
 ORDER BY value DESC NULLS FIRST, subject
 LIMIT 1
