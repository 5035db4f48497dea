<#import "../lib.ftl" as lib>
<@lib.header object="procedure ${job.proc('late')}" purpose="calls the procedure of the late rows of the finished table whose progress edge is p_table_edge; called by the delete procedures"/>
--
-- A delete batch that caught up rows into finished tables below it calls, table by table in its order, the procedure
-- of their late rows through this one, giving the table's progress edge: its own code then lists the tables as
-- edge numbers, not as a block of statements each, which on a wide schema was most of the generated code
-- (docs/benchmark.md#wide). The other arguments are handed on as they are; an edge without late rows is an error.
CREATE OR REPLACE PROCEDURE ${job.proc('late')}(
    p_table_edge     integer,
    p_run            bigint,
    p_started        timestamptz,
    p_delete         boolean,
    INOUT p_late     integer[],
    INOUT p_rows     bigint,
    INOUT p_edge     integer,
    INOUT p_table    text,
    INOUT p_action   text,
    INOUT p_sqlstate text,
    INOUT p_message  text)
LANGUAGE plpgsql
AS ${tags.proc}
BEGIN
    CASE p_table_edge
<#list job.late() as l>
        WHEN ${l.table.primaryEdge?c} THEN -- ${lib.line(l.table.display)}
            CALL ${job.lateProc(l.table)}(p_run, p_started, p_delete, p_late, p_rows, p_edge, p_table, p_action, p_sqlstate, p_message);
</#list>
    END CASE;
END
${tags.proc};
