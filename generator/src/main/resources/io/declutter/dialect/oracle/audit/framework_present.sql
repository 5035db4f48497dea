-- Whether declutter is deployed (its RUN and LOG tables) and whether audits were saved, as 1 or 0.
SELECT CASE WHEN r.n = 2 THEN 1 ELSE 0 END AS runs,
       CASE WHEN a.n = 1 THEN 1 ELSE 0 END AS audits
  FROM (SELECT COUNT(*) AS n FROM all_tables WHERE owner = 'DECLUTTER' AND table_name IN ('RUN', 'LOG')) r,
       (SELECT COUNT(*) AS n FROM all_tables WHERE owner = 'DECLUTTER' AND table_name = 'AUDIT') a
