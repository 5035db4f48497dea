package io.declutter.render;

import java.util.List;

/**
 * Everything the job templates print, already decided and quoted: templates only lay it out.
 *
 * @param tables      closure tables in delete order (leaves first)
 * @param rootPredicate the condition choosing the root rows, run as plain SQL: the job file's {@code root.where}, or
 *                    the one generated for orphans or duplicates ({@link RootFilter}); empty for keys given per run
 * @param rootRows    how the root rows are chosen, in words after the root table's name (file headers)
 * @param rootFilter  condition on the root table (alias {@code c}) choosing the rows of a run
 * @param orphanKey   the declared foreign key an orphan job purges the orphans of, which rollback does not check its
 *                    restored root rows against (they were orphans); empty for a logical reference and other jobs
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
        String rootRows,
        String schemas,
        boolean backup,
        int batchSize,
        long lockTimeoutMs,
        long statementTimeoutMs,
        TableView root,
        String rootFilter,
        String orphanKey,
        List<TableView> tables,
        List<CacheUnitView> cacheUnits,
        List<EdgeView> edges,
        List<DetachView> detaches,
        List<NullifyView> nullifies,
        ForeignKeyCheckView foreignKeyCheck,
        List<LateView> late,
        TriggersView triggers) {

    public JobView {
        late = List.copyOf(late);
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

    /**
     * The cache phase's units in order, each by the edge whose control row says whether it is pending: the first edge
     * of each cache unit, then each SET NULL edge (docs/design.md#cache).
     */
    public List<Integer> cacheOrder() {
        List<Integer> order = new java.util.ArrayList<>();
        cacheUnits.forEach(u -> order.add(u.first().edgeId()));
        nullifies.forEach(n -> order.add(n.edgeId()));
        return order;
    }

    /**
     * The position (1-based) of each edge in {@link #cacheOrder}, indexed by edge id less one, 0 for an edge that is
     * not there: the cache finds the first pending unit in one scan of the control table, each row's position an
     * array lookup (docs/design.md#cache).
     */
    public List<Integer> cacheRanks() {
        return ranks(cacheOrder());
    }

    /**
     * The cache units that read only their parent's backup, each by its edge: when that backup is empty they cache
     * nothing, and the cache notes them without running (and planning) their statement (docs/design.md#cache). Not
     * the root step, a cycle's unit (its parent may be filled by the unit itself) or a table without a key (nothing
     * is cached for it).
     */
    public List<Integer> cacheSkippable() {
        List<Integer> skippable = new java.util.ArrayList<>();
        cacheUnits.stream().filter(u -> !u.fixpoint() && u.first().parent() != null && !u.first().child().rowIdentity())
                .forEach(u -> skippable.add(u.first().edgeId()));
        nullifies.forEach(n -> skippable.add(n.edgeId()));
        return skippable;
    }

    /** The delete order's tables, each by its primary edge (docs/design.md#delete-batches). */
    public List<Integer> deleteOrder() {
        return tables.stream().map(TableView::primaryEdge).toList();
    }

    /** The position (1-based) of each edge in {@link #deleteOrder}, as {@link #cacheRanks} gives it for the cache. */
    public List<Integer> deleteRanks() {
        return ranks(deleteOrder());
    }

    private static List<Integer> ranks(List<Integer> order) {
        int max = order.stream().mapToInt(Integer::intValue).max().orElse(0);
        Integer[] ranks = new Integer[max];
        java.util.Arrays.fill(ranks, 0);
        for (int i = 0; i < order.size(); i++) {
            ranks[order.get(i) - 1] = i + 1;
        }
        return List.of(ranks);
    }

    /** Cache steps that reach {@code table} from a parent table (not the root step). */
    public List<CacheStepView> incoming(TableView table) {
        return cacheUnits.stream().flatMap(u -> u.steps().stream())
                // the name first: a view's equals compares it whole, catch-up lists and all
                .filter(s -> s.parent() != null && s.child().table().equals(table.table()) && s.child().equals(table))
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

    /** Longest procedure name PostgreSQL keeps (NAMEDATALEN - 1 bytes); the names built here are ASCII. */
    private static final int MAX_NAME = 63;

    /**
     * Qualified name of the procedure that deletes one batch of {@code t}: {@code <job>_del_<edge>_<table>}, the
     * primary edge keeping it unique when the table name is cut to fit or is the same in two schemas.
     */
    public String deleteProc(TableView t) {
        String table = NOT_NAME.matcher(t.display().substring(t.display().indexOf('.') + 1)
                .toLowerCase(java.util.Locale.ROOT)).replaceAll("_");
        String full = name + "_" + String.format("del_%03d_", t.primaryEdge()) + table;
        String cut = full.length() <= MAX_NAME ? full : full.substring(0, MAX_NAME);
        return schema + "." + TRAILING_UNDERSCORES.matcher(cut).replaceAll("");
    }

    private static final java.util.regex.Pattern NOT_NAME = java.util.regex.Pattern.compile("[^a-z0-9_]");
    private static final java.util.regex.Pattern TRAILING_UNDERSCORES = java.util.regex.Pattern.compile("_+$");
    private static final java.util.regex.Pattern DEL = java.util.regex.Pattern.compile("_del_(\\d+)_");

    /**
     * Qualified name of the procedure that catches up and deletes the late rows of a finished table {@code t}:
     * {@code <job>_late_<edge>_<table>}.
     */
    public String lateProc(TableView t) {
        return DEL.matcher(deleteProc(t)).replaceFirst("_late_$1_");
    }

    /** File (without {@code .sql}) of that procedure. */
    public String lateFile(TableView t) {
        return "late_" + tableSuffix(t);
    }

    /** File (without {@code .sql}) of that procedure. */
    public String deleteFile(TableView t) {
        return "delete_" + tableSuffix(t);
    }

    /** File (without {@code .sql}) of the backup table of {@code t}. */
    public String backupFile(TableView t) {
        return "backup_" + tableSuffix(t);
    }

    /** Liquibase changeset id of everything {@code t} needs (its backup table and procedures): one per table. */
    public String tableChangeSet(TableView t) {
        return name + "-table_" + tableSuffix(t);
    }

    /**
     * {@code <edge>_<table>}: what a table's file names and changeset id end with, portable whatever the table is
     * called; the edge id keeps them unique.
     */
    private static String tableSuffix(TableView t) {
        return String.format("%03d_", t.primaryEdge()) + t.display().replaceAll("[^A-Za-z0-9_]", "_");
    }
}
