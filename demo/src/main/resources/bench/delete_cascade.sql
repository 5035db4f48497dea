-- The per-row delete cascade, as widely published (e.g. the delete_cascade functions on Stack Overflow and in
-- blog posts): for one row, read the foreign keys referencing its table from pg_constraint, find the referencing
-- rows with dynamic SQL and handle each of them the same way, recursively; then delete the row itself. ON DELETE
-- SET NULL references are reset with an UPDATE instead. Every deleted row also bumps bench.rows_deleted, a
-- sequence (not rolled back), so a run stopped by the time cap still tells how many rows it got through.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE SEQUENCE IF NOT EXISTS bench.rows_deleted;

CREATE OR REPLACE FUNCTION bench.delete_cascade(p_table regclass, p_where text)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    r         record;
    fk        record;
    v_row     jsonb;
    v_cond    text;
    v_set     text;
    v_deleted bigint := 0;
    v_n       bigint;
BEGIN
    FOR r IN EXECUTE format('SELECT t.ctid AS bench_ctid, to_jsonb(t) AS bench_row FROM %s AS t WHERE %s', p_table, p_where)
    LOOP
        v_row := r.bench_row;
        FOR fk IN
            SELECT c.conrelid::regclass AS child, c.confdeltype AS action,
                   array_agg(ca.attname::text ORDER BY k.i) AS child_cols,
                   array_agg(pa.attname::text ORDER BY k.i) AS parent_cols
              FROM pg_constraint AS c
             CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(ck, pk, i)
              JOIN pg_attribute AS ca ON ca.attrelid = c.conrelid AND ca.attnum = k.ck
              JOIN pg_attribute AS pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pk
             WHERE c.contype = 'f' AND c.confrelid = p_table
             GROUP BY c.oid, c.conrelid, c.confdeltype
        LOOP
            SELECT string_agg(format('%I = %L', x.cc, v_row ->> x.pc), ' AND '),
                   string_agg(format('%I = NULL', x.cc), ', '),
                   count(*) FILTER (WHERE v_row ->> x.pc IS NULL)
              INTO v_cond, v_set, v_n
              FROM unnest(fk.child_cols, fk.parent_cols) AS x(cc, pc);
            CONTINUE WHEN v_n > 0; -- a NULL key is referenced by nothing
            IF fk.action IN ('n', 'd') THEN
                EXECUTE format('UPDATE %s SET %s WHERE %s', fk.child, v_set, v_cond);
            ELSE
                v_deleted := v_deleted + bench.delete_cascade(fk.child, v_cond);
            END IF;
        END LOOP;
        EXECUTE format('DELETE FROM %s WHERE ctid = $1', p_table) USING r.bench_ctid;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        IF v_n > 0 THEN
            v_deleted := v_deleted + v_n;
            PERFORM nextval('bench.rows_deleted');
        END IF;
    END LOOP;
    RETURN v_deleted;
END
$fn$;
