-- User sessions running a call now, besides this one (docs/throttle.md#oracle). Not run on Oracle here.
SELECT 'active' AS subject, COUNT(*) AS value
  FROM v$session
 WHERE type = 'USER'
   AND status = 'ACTIVE'
   AND sid <> SYS_CONTEXT('USERENV', 'SID')
