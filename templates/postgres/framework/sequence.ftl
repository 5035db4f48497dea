<#import "../lib.ftl" as lib>
<@lib.header object="functions ${schema}.column_sequences and ${schema}.advance_sequence" purpose="rollback of columns fed by a sequence (identity, serial, DEFAULT nextval(...)): the rows go back with their old values, so the sequence is moved forward past those it could still hand out, or later inserts would collide with them"/>
--
-- column_sequences finds the sequences behind a column when rollback runs: the one an identity or serial column owns
-- and any its default calls nextval() on (both recorded in pg_depend), with their bounds, so that rollback only looks
-- at restored values the sequence can produce at all.
--
-- advance_sequence never fails and never moves a sequence back. From its state (last_value, is_called) it computes the
-- value nextval() would return next; an ascending sequence is moved only when the highest restored value in its bounds
-- is at or past that value, a descending one when the lowest is at or below it, and then to exactly that restored value
-- (setval(..., true): the next value is one increment beyond it). The target always lies within MINVALUE and MAXVALUE,
-- as the restored values passed in do. A sequence that was never called and whose first value lies beyond every
-- restored value (MINVALUE or START above the restored ids) is left as it is, still never called. A CYCLE sequence is
-- moved the same way, within its current cycle; what it hands out after wrapping around is the application's design.
-- setval is not transactional: a rollback that fails after it keeps the sequence where it was moved, which is forward
-- and so harmless. It needs USAGE or SELECT (to read the state) and UPDATE (setval) on the sequence.
CREATE OR REPLACE FUNCTION ${schema}.column_sequences(p_table regclass, p_column name)
RETURNS TABLE (seq regclass, min_value bigint, max_value bigint)
LANGUAGE sql STABLE
AS $fn$
    SELECT q.seqrelid::regclass, q.seqmin, q.seqmax
      FROM pg_attribute AS a
      JOIN pg_sequence AS q
        ON EXISTS (SELECT 1  -- owned by the column: identity (i) or serial / OWNED BY (a)
                     FROM pg_depend AS d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = q.seqrelid
                      AND d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
                      AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i'))
        OR EXISTS (SELECT 1  -- called by the column's default
                     FROM pg_attrdef AS ad
                     JOIN pg_depend AS d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                    WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                      AND d.refclassid = 'pg_class'::regclass AND d.refobjid = q.seqrelid)
     WHERE a.attrelid = p_table AND a.attname = p_column;
$fn$;

CREATE OR REPLACE FUNCTION ${schema}.advance_sequence(p_seq regclass, p_low bigint, p_high bigint)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_increment bigint;
    v_last      bigint;
    v_called    boolean;
    v_next      numeric; -- numeric: last_value + increment may lie beyond bigint at the end of a sequence
BEGIN
    IF p_low IS NULL OR p_high IS NULL THEN
        RETURN; -- no restored value within the sequence's bounds
    END IF;
    SELECT q.seqincrement INTO v_increment FROM pg_sequence AS q WHERE q.seqrelid = p_seq;
    EXECUTE format('SELECT last_value, is_called FROM %s', p_seq) INTO v_last, v_called;
    v_next := CASE WHEN v_called THEN v_last::numeric + v_increment ELSE v_last END;
    IF v_increment > 0 AND p_high >= v_next THEN
        PERFORM setval(p_seq, p_high, true);
    ELSIF v_increment < 0 AND p_low <= v_next THEN
        PERFORM setval(p_seq, p_low, true);
    END IF;
END
$fn$;
