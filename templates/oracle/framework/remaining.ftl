<#import "../lib.ftl" as lib>
<@lib.header object="function ${schema}.REMAINING" purpose="rows cached by a run and not yet deleted"/>
CREATE OR REPLACE FUNCTION ${schema}.REMAINING(
    p_run IN NUMBER)
RETURN NUMBER
AUTHID DEFINER
IS
    v_rows NUMBER;
BEGIN
    SELECT GREATEST(0, NVL(SUM(rows_cached), 0) - NVL(SUM(rows_deleted), 0))
      INTO v_rows
      FROM ${schema}.CONTROL
     WHERE run_id = p_run AND strategy = 'delete';
    RETURN v_rows;
END REMAINING;
/
