-- Data Guard apply lag in milliseconds (docs/throttle.md#oracle), as V$DATAGUARD_STATS shows it on the database the
-- connection reaches (a standby, or a primary of 12.2 and later). Not run on Oracle here.
SELECT NVL(source_db_unique_name, 'standby') AS subject,
       (EXTRACT(DAY FROM TO_DSINTERVAL(value)) * 86400 + EXTRACT(HOUR FROM TO_DSINTERVAL(value)) * 3600
        + EXTRACT(MINUTE FROM TO_DSINTERVAL(value)) * 60 + EXTRACT(SECOND FROM TO_DSINTERVAL(value))) * 1000 AS value
  FROM v$dataguard_stats
 WHERE name = 'apply lag'
   AND value IS NOT NULL
 ORDER BY 2 DESC
 FETCH FIRST 1 ROW ONLY
