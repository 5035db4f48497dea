-- The oldest open transaction of another session, in milliseconds, from V$TRANSACTION (docs/throttle.md#oracle).
-- Not run on Oracle here.
SELECT 'session ' || s.sid || ' (' || s.status || NVL2(s.username, ', user ' || s.username, '') || ')' AS subject,
       (CAST(SYSTIMESTAMP AS DATE) - t.start_date) * 86400000 AS value
  FROM v$transaction t
  JOIN v$session s ON s.taddr = t.addr
 WHERE s.sid <> SYS_CONTEXT('USERENV', 'SID')
 ORDER BY t.start_date
 FETCH FIRST 1 ROW ONLY
