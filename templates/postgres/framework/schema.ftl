<#import "../lib.ftl" as lib>
<@lib.header object="schema ${schema}" purpose="holds the control, run and log tables, the backup tables and the generated procedures"/>
CREATE SCHEMA IF NOT EXISTS ${schema};

COMMENT ON SCHEMA ${schema} IS 'declutter: purge control tables, backups and generated procedures';
