package io.declutter.dialect.oracle;

import io.declutter.render.NullifyView;
import io.declutter.render.TableView;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Oracle part of what the templates print (the dialect-neutral part is the {@link io.declutter.render.JobView}).
 *
 * @param pkg         the job's package, qualified and quoted ({@code DECLUTTER.TENANT_PURGE})
 * @param pkgName     its unqualified name, as {@code END <name>;} spells it
 * @param schemaName  the framework schema as the catalog spells it
 * @param lockWait    seconds of every {@code FOR UPDATE WAIT} (the job's lock timeout, rounded up)
 * @param rootFilter  condition on the root table (alias {@code c}) choosing the rows of a run
 * @param sleep       the procedure that pauses between retries ({@code DBMS_SESSION.SLEEP} from 18c)
 * @param resetEdges  edges whose foreign key is ON DELETE CASCADE, SET NULL or SET DEFAULT: deleting a parent
 *                    changes its child rows in the same statement, so rows inserted under a batch after its catch-up
 *                    are looked for after the delete (flashback query) and make the batch retry
 * @param unitSet     the job's global temporary table holding the set of rows a deferred-unit batch deletes (qualified,
 *                    quoted); {@code unitSetName} and {@code unitSetPk} as the catalog spells them / quoted. Deployed only
 *                    when the job has a deferred unit
 * @param purgedTables the closure tables as string literals {@code '"OWNER"."TABLE"'} (the catalog's spelling), for
 *                    the check of foreign keys before the first delete
 * @param knownForeignKeys the plan's foreign keys as literals {@code '"OWNER"."TABLE"."CONSTRAINT"'}
 */
public record OracleJobView(
        String pkg,
        String pkgName,
        String schemaName,
        String version,
        boolean longIdentifiers,
        int lockWait,
        String rootFilter,
        String sleep,
        List<OracleViews.EdgeRow> edges,
        Map<String, OracleViews.Table> tables,
        Map<Integer, OracleViews.Nullify> nullifies,
        Set<Integer> resetEdges,
        List<OracleViews.Grant> grants,
        String schedulerJob,
        String schedulerJobName,
        String schedulerAction,
        String repeatInterval,
        String windowStart,
        long windowMinutes,
        String windowText,
        String unitSet,
        String unitSetName,
        String unitSetPk,
        List<String> purgedTables,
        List<String> knownForeignKeys) {

    public OracleJobView {
        purgedTables = List.copyOf(purgedTables);
        knownForeignKeys = List.copyOf(knownForeignKeys);
        edges = List.copyOf(edges);
        tables = Map.copyOf(tables);
        nullifies = Map.copyOf(nullifies);
        resetEdges = Set.copyOf(resetEdges);
        grants = List.copyOf(grants);
    }

    /** The Oracle facts of a closure table. */
    public OracleViews.Table x(TableView table) {
        OracleViews.Table t = tables.get(table.display());
        if (t == null) {
            throw new IllegalArgumentException("no Oracle view of " + table.display());
        }
        return t;
    }

    /** Whether deleting a parent through edge {@code edgeId} deletes or resets its child rows (CASCADE, SET NULL, SET DEFAULT). */
    public boolean resets(int edgeId) {
        return resetEdges.contains(edgeId);
    }

    /**
     * A column default that is a sequence's next value, as ALL_TAB_COLUMNS.DATA_DEFAULT prints it ({@code
     * "OWNER"."SEQ"."NEXTVAL"}, or written unquoted, with or without the owner): group 2 the owner (may be absent),
     * group 3 the sequence. Anything else (an expression around NEXTVAL) is not matched.
     */
    public String sequenceDefaultPattern() {
        return "^\\s*((\"[^\"]+\"|[A-Za-z][A-Za-z0-9_$#]*)\\.)?(\"[^\"]+\"|[A-Za-z][A-Za-z0-9_$#]*)\\.\"?nextval\"?\\s*$";
    }

    /** Whether ALTER SEQUENCE ... RESTART START WITH is available (documented from 18c); else the INCREMENT BY trick. */
    public boolean sequenceRestart() {
        return Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 18;
    }

    /** The Oracle facts of a SET NULL record table. */
    public OracleViews.Nullify nx(NullifyView n) {
        return nullifies.get(n.edgeId());
    }
}
