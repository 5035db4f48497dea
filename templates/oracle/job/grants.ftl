<#import "../lib.ftl" as lib>
<@lib.header object="grants for job ${job.name}" purpose="the privileges ${ora.schemaName} needs on the application tables of the job; run once by their owner or a DBA (not part of the changelog)"/>
--
-- The package runs with the rights of ${ora.schemaName} (AUTHID DEFINER), and definer-rights PL/SQL sees only
-- privileges granted directly, never through a role: hence one GRANT per table.
<#if job.backup>

-- Sequences behind column defaults (DEFAULT seq.NEXTVAL) of the tables below: rollback moves them past the values it
-- restores (${job.schema}.SYNC_SEQUENCES), which needs SELECT and ALTER on each, granted directly. They are found
-- here as the defaults stand now: run this file again after adding such a default. (Sequences used only by triggers
-- cannot be found: move them by hand after a rollback.)
DECLARE
    c_pattern   CONSTANT VARCHAR2(200) := ${lib.lit(ora.sequenceDefaultPattern())};
    v_default   VARCHAR2(32767);
    v_owner     VARCHAR2(128);
    v_name      VARCHAR2(128);

    FUNCTION catalog_name(p_name IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF SUBSTR(p_name, 1, 1) = '"' THEN
            RETURN SUBSTR(p_name, 2, LENGTH(p_name) - 2);
        END IF;
        RETURN UPPER(p_name);
    END catalog_name;
BEGIN
    FOR c IN (SELECT owner, table_name, data_default
                FROM all_tab_columns
               WHERE identity_column = 'NO' AND default_length > 0
                 AND (owner, table_name) IN (<#list job.restoreOrder() as t><#assign x = ora.x(t)>(${lib.lit(x.ownerName)}, ${lib.lit(x.tableName)})<#sep>,
                                             </#sep></#list>))
    LOOP
        v_default := c.data_default; -- a LONG: read into PL/SQL, where it is a plain string
        IF REGEXP_LIKE(v_default, c_pattern, 'i') THEN
            v_owner := NVL(catalog_name(REGEXP_SUBSTR(v_default, c_pattern, 1, 1, 'i', 2)), c.owner);
            v_name := catalog_name(REGEXP_SUBSTR(v_default, c_pattern, 1, 1, 'i', 3));
            EXECUTE IMMEDIATE 'GRANT SELECT, ALTER ON ' || DBMS_ASSERT.ENQUOTE_NAME(v_owner, FALSE) || '.'
                || DBMS_ASSERT.ENQUOTE_NAME(v_name, FALSE) || ' TO ${job.schema}';
        END IF;
    END LOOP;
END;
/

</#if>
<#list ora.grants as g>
GRANT ${g.privileges} ON ${g.table} TO ${job.schema}
/
</#list>
