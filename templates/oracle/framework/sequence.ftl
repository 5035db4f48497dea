<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${schema}.SYNC_SEQUENCES" purpose="rollback of columns whose default is a sequence (DEFAULT seq.NEXTVAL): the rows go back with their old values, so the sequence is moved forward past those values it could still hand out, or later inserts would collide with them"/>
--
-- The columns are found when rollback runs, in ALL_TAB_COLUMNS.DATA_DEFAULT (a LONG: read into PL/SQL, where it is a
-- plain string), for defaults that are exactly a sequence's NEXTVAL; identity columns are left to SYNC_IDENTITY.
-- A sequence only ever moves forward, within its bounds, and never makes rollback fail: only the column's values
-- between its MINVALUE and MAXVALUE count (values outside them it cannot produce); its next value is taken (NEXTVAL:
-- one value consumed, which is forward); an ascending sequence whose next value is not above the highest of them, or a
-- descending one whose next value is not below the lowest, is moved to one increment beyond it, with <#if ora.sequenceRestart()>ALTER SEQUENCE
-- ... RESTART START WITH (${ora.version}: documented from 18c)<#else>the INCREMENT BY trick, as ${ora.version}
-- has no documented RESTART: the increment is set to the distance, one NEXTVAL taken, the increment set back</#if>.
-- A sequence that has reached its bound (ORA-08004, NOCYCLE) hands out nothing more and is left alone, and so is one
-- whose target would lie beyond its bound (a restored row holds its last value: it stops there as it would have).
-- A CYCLE sequence moves the same way, within its current cycle.
-- This is DDL (it commits) and needs SELECT and ALTER on the sequence, granted directly (grants.sql of the job grants
-- them for the defaults it finds). Sequences that only triggers use cannot be found this way: plan reports the
-- triggers of purged tables; move such sequences by hand after a rollback.
CREATE OR REPLACE PROCEDURE ${schema}.SYNC_SEQUENCES(
    p_owner IN VARCHAR2,
    p_table IN VARCHAR2)
AUTHID DEFINER
IS
    c_pattern   CONSTANT VARCHAR2(200) := ${lib.lit(ora.sequenceDefaultPattern())};
    v_default   VARCHAR2(32767);
    v_seq_owner VARCHAR2(128);
    v_seq_name  VARCHAR2(128);
    v_seq       VARCHAR2(300);
    v_step      NUMBER;
    v_min_value NUMBER;
    v_max_value NUMBER;
    v_max       NUMBER;
    v_min       NUMBER;
    v_target    NUMBER;
    e_exhausted EXCEPTION;
    PRAGMA EXCEPTION_INIT(e_exhausted, -8004);
    v_next      NUMBER;

    -- A name as the catalog spells it: quoted as written, else in upper case.
    FUNCTION catalog_name(p_name IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF SUBSTR(p_name, 1, 1) = '"' THEN
            RETURN SUBSTR(p_name, 2, LENGTH(p_name) - 2);
        END IF;
        RETURN UPPER(p_name);
    END catalog_name;
BEGIN
    FOR c IN (SELECT column_name, data_default
                FROM all_tab_columns
               WHERE owner = p_owner AND table_name = p_table AND identity_column = 'NO' AND default_length > 0)
    LOOP
        v_default := c.data_default;
        IF REGEXP_LIKE(v_default, c_pattern, 'i') THEN
            v_seq_owner := NVL(catalog_name(REGEXP_SUBSTR(v_default, c_pattern, 1, 1, 'i', 2)), p_owner);
            v_seq_name := catalog_name(REGEXP_SUBSTR(v_default, c_pattern, 1, 1, 'i', 3));
            v_seq := DBMS_ASSERT.ENQUOTE_NAME(v_seq_owner, FALSE) || '.' || DBMS_ASSERT.ENQUOTE_NAME(v_seq_name, FALSE);
            BEGIN
                SELECT s.increment_by, s.min_value, s.max_value INTO v_step, v_min_value, v_max_value
                  FROM all_sequences s
                 WHERE s.sequence_owner = v_seq_owner AND s.sequence_name = v_seq_name;
            EXCEPTION
                WHEN NO_DATA_FOUND THEN
                    RAISE_APPLICATION_ERROR(-20011, 'declutter: column ' || c.column_name || ' of ' || p_owner || '.'
                        || p_table || ' takes its default from sequence ' || v_seq || ', which ${schemaName} cannot see.'
                        || ' The rows are restored; grant SELECT, ALTER on the sequence to ${schemaName} (grants.sql of'
                        || ' the job) and move it past MAX(' || c.column_name || '), or call ROLLBACK_RUN again.');
            END;
            EXECUTE IMMEDIATE 'SELECT MAX(' || DBMS_ASSERT.ENQUOTE_NAME(c.column_name, FALSE) || '), MIN('
                || DBMS_ASSERT.ENQUOTE_NAME(c.column_name, FALSE) || ') FROM '
                || DBMS_ASSERT.ENQUOTE_NAME(p_owner, FALSE) || '.' || DBMS_ASSERT.ENQUOTE_NAME(p_table, FALSE)
                || ' WHERE ' || DBMS_ASSERT.ENQUOTE_NAME(c.column_name, FALSE) || ' BETWEEN :lo AND :hi'
                INTO v_max, v_min USING v_min_value, v_max_value;
            v_target := NULL;
            IF v_max IS NOT NULL THEN
                BEGIN
                    EXECUTE IMMEDIATE 'SELECT ' || v_seq || '.NEXTVAL FROM DUAL' INTO v_next;
                    IF v_step > 0 AND v_next <= v_max THEN
                        v_target := v_max + v_step;
                    ELSIF v_step < 0 AND v_next >= v_min THEN
                        v_target := v_min + v_step;
                    END IF;
                EXCEPTION
                    WHEN e_exhausted THEN
                        NULL; -- at its bound without CYCLE: it hands out no value that could collide
                END;
            END IF;
            IF v_target BETWEEN v_min_value AND v_max_value THEN
<#if ora.sequenceRestart()>
                EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || v_seq || ' RESTART START WITH ' || TO_CHAR(v_target);
<#else>
                EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || v_seq || ' INCREMENT BY ' || TO_CHAR(v_target - v_next);
                BEGIN
                    EXECUTE IMMEDIATE 'SELECT ' || v_seq || '.NEXTVAL FROM DUAL' INTO v_next;
                EXCEPTION
                    WHEN OTHERS THEN
                        EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || v_seq || ' INCREMENT BY ' || TO_CHAR(v_step);
                        RAISE;
                END;
                EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || v_seq || ' INCREMENT BY ' || TO_CHAR(v_step);
</#if>
            END IF;
        END IF;
    END LOOP;
END SYNC_SEQUENCES;
/
