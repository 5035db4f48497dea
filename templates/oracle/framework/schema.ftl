<#import "../lib.ftl" as lib>
<@lib.header object="schema ${schema}" purpose="checks that the schema holding the control, run and log tables, the backup tables and the generated packages exists (a DBA creates it once: see setup_schema.sql)"/>
DECLARE
    v_count PLS_INTEGER;
BEGIN
    SELECT COUNT(*) INTO v_count FROM all_users WHERE username = ${lib.lit(schemaName)};
    IF v_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20001, 'declutter: schema ${schemaName} does not exist. A DBA creates it once with'
            || ' setup_schema.sql (CREATE USER ${schemaName} ... and its grants), then the deploy is run again.');
    END IF;
END;
/
