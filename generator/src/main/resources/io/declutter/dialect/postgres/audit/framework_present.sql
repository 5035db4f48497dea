-- Whether declutter is deployed (its run and log tables) and whether audits were saved, as 1 or 0.
SELECT CASE WHEN to_regclass('declutter.run') IS NOT NULL AND to_regclass('declutter.log') IS NOT NULL
            THEN 1 ELSE 0 END AS runs,
       CASE WHEN to_regclass('declutter.audit') IS NOT NULL THEN 1 ELSE 0 END AS audits
