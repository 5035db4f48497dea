package io.declutter.render;

import java.util.List;

/**
 * Everything the job templates print, already decided and quoted: templates only lay it out.
 *
 * @param tables      closure tables in delete order (leaves first)
 * @param rootFilter  condition on the root table (alias {@code c}) choosing the rows of a run
 * @param detaches    columns rollback re-attaches from the closure backups at the end (cycle-breaking edges,
 *                    and nullable SET NULL columns of closure rows)
 * @param nullifies   every ON DELETE SET NULL / SET DEFAULT edge from the closure, by edge id
 * @param foreignKeyCheck what the run compares with the catalog before its first delete
 * @param triggers    DELETE triggers the run disables around each delete batch, and the tables it counts for those
 *                    it keeps that write outside the closure (job/triggers.ftl)
 */
public record JobView(
        String name,
        String nameLiteral,
        String schema,
        String rootDisplay,
        String rootPredicate,
        String schemas,
        boolean backup,
        int batchSize,
        long lockTimeoutMs,
        long statementTimeoutMs,
        TableView root,
        String rootFilter,
        List<TableView> tables,
        List<CacheUnitView> cacheUnits,
        List<EdgeView> edges,
        List<DetachView> detaches,
        List<NullifyView> nullifies,
        ForeignKeyCheckView foreignKeyCheck,
        TriggersView triggers) {

    public JobView {
        tables = List.copyOf(tables);
        cacheUnits = List.copyOf(cacheUnits);
        edges = List.copyOf(edges);
        detaches = List.copyOf(detaches);
        nullifies = List.copyOf(nullifies);
    }

    /** Tables in restore order: root first. */
    public List<TableView> restoreOrder() {
        List<TableView> reversed = new java.util.ArrayList<>(tables);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** Cache steps that reach {@code table} from a parent table (not the root step). */
    public List<CacheStepView> incoming(TableView table) {
        return cacheUnits.stream().flatMap(u -> u.steps().stream())
                .filter(s -> s.parent() != null && s.child().equals(table))
                .toList();
    }

    /** {@code text} as a SQL string literal (for names in log rows and comments). */
    public String literal(String text) {
        return Sql.literal(text);
    }

    /** Qualified, quoted name of one of the job's procedures, e.g. {@code declutter.tenant_purge_step}. */
    public String proc(String suffix) {
        return schema + "." + name + "_" + suffix;
    }
}
