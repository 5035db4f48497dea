<#import "lib.ftl" as lib>
<@lib.header object="schema ${ora.schemaName}" purpose="creates the schema (user) that holds declutter's tables, backups and packages; run once by a DBA, before the first deploy (not part of the changelog)"/>
--
-- The password expires at once: the first login sets a real one (or use a schema-only account, NO AUTHENTICATION,
-- on 18c and later, and deploy through a proxy user). Adjust the tablespace and quota to the backups' size:
-- a backup holds a full copy of every purged row until the run is dropped.
CREATE USER ${ora.schemaName} IDENTIFIED BY "Declutter_Change_Me_1" PASSWORD EXPIRE
    DEFAULT TABLESPACE users QUOTA UNLIMITED ON users
/
GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE PROCEDURE, CREATE JOB TO ${ora.schemaName}
/
-- The job lock of LOCK_JOB (one session per job) and, before 18c, the retry pause of DELETE_RUN.
GRANT EXECUTE ON SYS.DBMS_LOCK TO ${ora.schemaName}
/
-- The current SCN for the late-row check after a delete through an ON DELETE CASCADE / SET NULL edge (a flashback
-- query at that SCN; grants.sql grants FLASHBACK on the child tables it reads).
GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO ${ora.schemaName}
/
-- Statement time limits: Oracle has no per-statement timeout. The runner cancels a unit that runs longer than the
-- job's timeouts.statement (JDBC query timeout; the unit is rolled back and retried). For DELETE_RUN from
-- DBMS_SCHEDULER, a Resource Manager plan can do the same for the ${ora.schemaName} consumer group
-- (CANCEL_SQL with SWITCH_TIME), which raises ORA-00040 and is retried too.
