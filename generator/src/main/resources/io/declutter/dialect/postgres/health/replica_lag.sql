-- Replay lag of each standby streaming from this server, in milliseconds, worst first (docs/throttle.md#signals).
-- replay_lag is NULL once a standby has caught up and no WAL is being written: that is no lag. A NULL replay_lsn
-- means the row is hidden from this user (pg_monitor or pg_read_all_stats shows it): the value stays NULL (unknown).
SELECT COALESCE(NULLIF(application_name, ''), host(client_addr), 'pid ' || pid) AS subject,
       CASE WHEN replay_lsn IS NOT NULL
            THEN COALESCE(EXTRACT(EPOCH FROM replay_lag) * 1000, 0) END AS value
  FROM pg_stat_replication
 ORDER BY value DESC NULLS FIRST, subject
 LIMIT 1
