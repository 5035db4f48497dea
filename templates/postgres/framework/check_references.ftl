<#import "../lib.ftl" as lib>
<@lib.header object="functions ${schema}.relation_of and ${schema}.check_references" purpose="rollback restores with the application's triggers, rules and foreign-key triggers off (session_replication_role = replica); these check, before it commits, that every row it wrote still references rows that exist"/>
--
-- relation_of(NULL::some.table) is that table as a regclass: a generated procedure names each table as SQL, whatever
-- characters its name holds, and gets the relation from the name's row type.
--
-- check_references(run, table, backup) reads the catalog when rollback runs: every foreign key declared on the
-- table or on any of its partitions (a partition's copy of its parent's key is checked through the parent), whoever
-- it references, inside the closure or not. For each, it counts the rows of the table that the run's backup names
-- (matched on the backup's primary key after declutter_run) whose key values are set (all of them: MATCH SIMPLE;
-- MATCH FULL also counts partly null keys) and have no referenced row. Every foreign key with such rows is listed in
-- one error, so the rollback that called it is undone as a whole. check_references(run, table, backup, skip) leaves
-- the foreign key named skip out: an orphan job's root rows were orphans of it when they were purged, and go back as
-- they were (docs/design.md#orphan-roots).
CREATE OR REPLACE FUNCTION ${schema}.relation_of(p_row anyelement)
RETURNS regclass
LANGUAGE sql STABLE
AS $fn$
    SELECT t.typrelid::regclass FROM pg_type AS t WHERE t.oid = pg_typeof(p_row);
$fn$;

CREATE OR REPLACE FUNCTION ${schema}.check_references(p_run bigint, p_table regclass, p_backup regclass, p_skip text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_key      text;
    v_fk       record;
    v_rows     bigint;
    v_dangling text;
BEGIN
    SELECT string_agg(format('c.%1$I = b.%1$I', a.attname), ' AND ' ORDER BY k.ord)
      INTO v_key
      FROM pg_constraint AS pk
     CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute AS a ON a.attrelid = pk.conrelid AND a.attnum = k.attnum
     WHERE pk.conrelid = p_backup AND pk.contype = 'p' AND a.attname <> 'declutter_run';
    IF v_key IS NULL THEN
        RAISE EXCEPTION 'declutter: backup table % has no primary key after declutter_run, so its rows cannot be matched', p_backup
            USING HINT = 'Deploy the job again: its backup tables are created with (declutter_run, key) as primary key.';
    END IF;
    -- A backup of a table without a key (docs/design.md#tables-without-a-key) has (declutter_run, declutter_seq) as
    -- its primary key: rollback wrote exactly its rows, so their references are checked on the backup's own rows.
    IF v_key = 'c.declutter_seq = b.declutter_seq' THEN
        v_key := NULL;
    END IF;
    FOR v_fk IN
        SELECT c.conname, c.conrelid::regclass AS child, c.confrelid::regclass AS parent,
               c.confmatchtype = 'f' AS full_match,
               string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ' ORDER BY k.ord) AS matches,
               string_agg(format('c.%I IS NOT NULL', ca.attname), ' AND ' ORDER BY k.ord) AS all_set,
               string_agg(format('c.%I IS NULL', ca.attname), ' AND ' ORDER BY k.ord) AS all_null
          FROM (SELECT p_table AS relid UNION SELECT t.relid FROM pg_partition_tree(p_table) AS t) AS r
          JOIN pg_constraint AS c ON c.conrelid = r.relid AND c.contype = 'f' AND c.conparentid = 0
                                 AND c.conname IS DISTINCT FROM p_skip
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child_att, parent_att, ord)
          JOIN pg_attribute AS ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child_att
          JOIN pg_attribute AS pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent_att
         GROUP BY c.oid, c.conname, c.conrelid, c.confrelid, c.confmatchtype
         ORDER BY c.conname
    LOOP
        EXECUTE format(CASE WHEN v_key IS NULL THEN 'SELECT count(*) FROM %2$s AS c WHERE c.declutter_run = $1 AND %4$s'
                            ELSE 'SELECT count(*) FROM %1$s AS c JOIN %2$s AS b ON b.declutter_run = $1 AND %3$s WHERE %4$s' END,
                       v_fk.child, p_backup, v_key,
                       CASE WHEN v_fk.full_match
                            THEN format('NOT (%s) AND (NOT (%s) OR NOT EXISTS (SELECT 1 FROM %s AS p WHERE %s))',
                                        v_fk.all_null, v_fk.all_set, v_fk.parent, v_fk.matches)
                            ELSE format('%s AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE %s)',
                                        v_fk.all_set, v_fk.parent, v_fk.matches)
                       END)
           INTO v_rows USING p_run;
        IF v_rows > 0 THEN
            v_dangling := concat_ws('; ', v_dangling,
                format('%s row(s) of %s reference rows of %s that do not exist (foreign key %s)',
                       v_rows, v_fk.child, v_fk.parent, v_fk.conname));
        END IF;
    END LOOP;
    IF v_dangling IS NOT NULL THEN
        RAISE EXCEPTION 'declutter: restored rows would break referential integrity: %', v_dangling
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'The referenced rows were deleted since the purge. Put them back (or change the backed-up rows '
                         'that reference them), then call rollback again.';
    END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION ${schema}.check_references(p_run bigint, p_table regclass, p_backup regclass)
RETURNS void
LANGUAGE sql
AS $fn$
    SELECT ${schema}.check_references(p_run, p_table, p_backup, NULL::text);
$fn$;
