-- WAL bytes each replication slot keeps on this server, worst first (docs/throttle.md#signals). No slot: nothing.
SELECT slot_name AS subject,
       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS value
  FROM pg_replication_slots
 WHERE restart_lsn IS NOT NULL
 ORDER BY value DESC, subject
 LIMIT 1
