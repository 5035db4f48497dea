-- Sessions waiting for a lock this session (the purge's) holds (docs/throttle.md#oracle). Not run on Oracle here.
SELECT 'blocked' AS subject, COUNT(*) AS value
  FROM v$session
 WHERE blocking_session = SYS_CONTEXT('USERENV', 'SID')
