-- The current WAL position as bytes since 0/0: the runner takes two samples, one per unit of work, and divides
-- their difference by the time between them (docs/throttle.md#signals).
SELECT 'wal' AS subject, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS value
