<#import "../lib.ftl" as lib>
<@lib.header object="temporary table ${ora.unitSet}" purpose="the set of rows a delete batch of a deferred unit (a cycle broken through DEFERRABLE foreign keys) deletes together: table ordinal in the unit and backup sequence number, private to the session and emptied at commit"/>
<#assign ddl>
CREATE GLOBAL TEMPORARY TABLE ${ora.unitSet} (
    t   NUMBER(5)  NOT NULL,
    seq NUMBER(19) NOT NULL,
    CONSTRAINT ${ora.unitSetPk} PRIMARY KEY (t, seq)
) ON COMMIT DELETE ROWS</#assign>
<@lib.ensure kind="TABLE" owner=ora.schemaName name=ora.unitSetName ddl=ddl/>
