package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.plan.BackupNames;
import io.declutter.model.Column;
import io.declutter.model.Edge;
import io.declutter.model.ForeignKey;
import io.declutter.model.Identity;
import io.declutter.model.NullifiedEdge;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import io.declutter.model.TableName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Turns a purge plan into the view the templates print: names quoted, fragments built, order fixed. */
public final class JobViewBuilder {

    private final Dialect dialect;
    private final PurgePlan plan;
    private final Map<TableName, TableView> views = new HashMap<>();
    private final Map<TableName, String> indexNames;

    public JobViewBuilder(Dialect dialect, PurgePlan plan) {
        this.dialect = dialect;
        this.plan = plan;
        Map<TableName, String> backupNames = new HashMap<>();
        plan.tables().forEach(t -> backupNames.put(t.name(), t.backupTable()));
        this.indexNames = BackupNames.indexNames(backupNames, dialect.maxIdentifierBytes());
    }

    public JobView build() {
        plan.tables().forEach(t -> views.put(t.name(), tableView(t, List.of(), List.of(), List.of(), List.of())));
        // Detaches and catch-up steps need the views of other tables: second pass.
        Map<TableName, TableView> plain = new HashMap<>(views);
        List<NullifyView> nullifies = plan.nullified().stream().map(n -> nullify(n, plain)).toList();
        Map<Integer, DeferredUnitView> units = new HashMap<>();
        plan.tables().stream().mapToInt(PurgeTable::deferredUnit).filter(u -> u > 0).distinct()
                .forEach(u -> units.put(u, unit(u, nullifies, plain)));
        plan.tables().forEach(t -> {
            TableView v = withUnit(tableView(t, detaches(t), catchUp(t, plain), catchUpNullifies(t, nullifies, plain),
                    catchUpDeletes(t, plain)), t, units);
            views.put(t.name(), v.withOptimisticDelete(optimisticDelete(t, v)));
        });
        List<TableView> tables = plan.tables().stream().map(t -> views.get(t.name())).toList();
        TableView root = views.get(plan.job().root());
        String schemas = plan.tables().stream().map(t -> t.name().schema())
                .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
        return new JobView(plan.job().name(), Sql.literal(plan.job().name()), dialect.quote(dialect.frameworkSchema()),
                plan.job().root().display(), plan.job().rootPredicate().orElse(""), schemas, plan.job().backup(),
                plan.job().batchSize(), plan.job().lockTimeout().toMillis(), plan.job().statementTimeout().toMillis(),
                root, rootFilter(root), tables, cacheUnits(), edgeViews(),
                reattaches(), nullifies, foreignKeyCheck(), TriggersView.of(dialect, plan));
    }

    /** The closure tables and every foreign key of the plan, for the check before the first delete. */
    private ForeignKeyCheckView foreignKeyCheck() {
        List<String> purged = plan.tables().stream().map(t -> regclass(t.name())).toList();
        List<ForeignKeyCheckView.Known> known = plan.edges().stream().filter(e -> !e.root())
                .map(e -> e.foreignKey().orElseThrow())
                .map(fk -> new ForeignKeyCheckView.Known(regclass(fk.declaringTable()), Sql.literal(fk.name())))
                .distinct().toList();
        return new ForeignKeyCheckView(purged, known, defaultChecks(), resetChecks());
    }

    /**
     * The CHECK constraints of each SET NULL / SET DEFAULT edge, each with the row its reset makes of a child row
     * {@code c} (docs/design.md#edges). A default drawn from a sequence cannot be evaluated without consuming a value:
     * such an edge is left to plan's warning.
     */
    private List<ForeignKeyCheckView.ResetCheck> resetChecks() {
        List<ForeignKeyCheckView.ResetCheck> checks = new ArrayList<>();
        for (NullifiedEdge n : plan.nullified()) {
            ForeignKey fk = n.foreignKey();
            if (fk.resetChecks().isEmpty()) {
                continue;
            }
            List<String> row = new ArrayList<>();
            boolean volatileDefault = false;
            for (Column c : n.child().columns()) {
                String value = "c." + dialect.quote(c.name());
                if (fk.resetColumns().contains(c.name())) {
                    boolean toNull = fk.onDelete() == io.declutter.model.OnDelete.SET_NULL || c.defaultIsNull();
                    String expression = c.defaultValue().orElse("");
                    volatileDefault |= !toNull && (expression.isEmpty() || expression.contains("nextval("));
                    value = toNull ? "NULL::" + c.type() : "(" + expression + ")::" + c.type();
                }
                row.add(value + " AS " + dialect.quote(c.name()));
            }
            if (volatileDefault) {
                continue;
            }
            TableView parent = views.get(fk.parent());
            for (io.declutter.model.CheckConstraint check : fk.resetChecks()) {
                checks.add(new ForeignKeyCheckView.ResetCheck(fk.display() + " [" + fk.name() + ", ON DELETE "
                        + fk.onDelete().sql() + "], CHECK " + check.name(), check.name(),
                        dialect.qualify(fk.declaringTable().schema(), fk.declaringTable().name()), parent.backup(),
                        parentMatch(fk), String.join(", ", row), check.expression()));
            }
        }
        return checks;
    }

    /**
     * What the run checks of each ON DELETE SET DEFAULT edge before its first delete: only the data can say whether
     * the key the reset writes exists in the parent and survives the run (docs/design.md#edges). Defaults drawn
     * from a sequence are left out: evaluating one would consume a value, and plan warns about the edge anyway.
     */
    private List<ForeignKeyCheckView.DefaultCheck> defaultChecks() {
        List<ForeignKeyCheckView.DefaultCheck> checks = new ArrayList<>();
        for (NullifiedEdge n : plan.nullified()) {
            ForeignKey fk = n.foreignKey();
            if (fk.onDelete() != io.declutter.model.OnDelete.SET_DEFAULT) {
                continue;
            }
            List<String> values = new ArrayList<>();
            boolean volatileDefault = false;
            for (String column : fk.childColumns()) {
                Column c = n.child().column(column).orElseThrow();
                if (!fk.resetColumns().contains(column)) {
                    values.add("c." + dialect.quote(column));
                } else if (c.defaultIsNull()) {
                    values.add("NULL");
                } else {
                    String expression = c.defaultValue().orElse("");
                    volatileDefault |= expression.isEmpty() || expression.contains("nextval(");
                    values.add("(" + expression + ")");
                }
            }
            if (volatileDefault || values.contains("NULL")) {
                continue; // nothing to evaluate, or a key left unchecked (MATCH SIMPLE)
            }
            List<String> parentColumns = quoted(fk.parentColumns());
            List<String> target = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                target.add("x." + parentColumns.get(i) + " = " + values.get(i));
            }
            String partition = fk.parentCondition()
                    .map(condition -> " AND (SELECT " + condition + " FROM (SELECT x.*) AS partition_row)").orElse("");
            TableView parent = views.get(fk.parent());
            checks.add(new ForeignKeyCheckView.DefaultCheck(fk.display() + " [" + fk.name() + ", ON DELETE SET DEFAULT]",
                    dialect.qualify(fk.child().schema(), fk.child().name()), parent.backup(), parentMatch(fk),
                    parent.table(), String.join(" AND ", target) + partition,
                    values.stream().map(v -> v + " IS NOT NULL").collect(Collectors.joining(" AND ")),
                    parent.keyMatch("b", "x")));
        }
        return checks;
    }

    /** The table as an expression of type regclass (looked up when the statement runs). */
    private String regclass(TableName t) {
        return "(" + tableText(t) + ")::regclass";
    }

    private String rootFilter(TableView root) {
        if (plan.job().rootPredicate().isPresent()) {
            return "(" + plan.job().rootPredicate().get() + ")";
        }
        PurgeTable rootTable = plan.table(plan.job().root()).orElseThrow();
        List<String> casts = new ArrayList<>();
        List<String> keyColumns = rootTable.key().columns();
        for (int i = 0; i < keyColumns.size(); i++) {
            Column col = rootTable.table().column(keyColumns.get(i)).orElseThrow();
            casts.add("k.key_values[" + (i + 1) + "]::" + col.type());
        }
        return "(" + root.keyList("c") + ") IN (SELECT " + String.join(", ", casts) + " FROM "
                + dialect.qualify(dialect.frameworkSchema(), "run_key") + " AS k WHERE k.run_id = p_run)";
    }

    private TableView tableView(PurgeTable t, List<DetachView> detaches, List<CatchUpStepView> catchUp,
                                List<CatchUpNullifyView> catchUpNullifies, List<TableView> catchUpDeletes) {
        Set<String> kept = new LinkedHashSet<>(t.key().columns());
        if (!plan.job().backup()) {
            // Without a backup the cache holds only what deletes and child lookups need.
            plan.followedEdges().stream().filter(e -> !e.root() && e.parent().equals(t.name()))
                    .forEach(e -> kept.addAll(e.foreignKey().orElseThrow().parentColumns()));
            // A partition condition may name any of the parent's columns (see parentMatch): keep them all.
            plan.edges().stream().filter(e -> !e.root() && e.parent().equals(t.name()))
                    .filter(e -> e.foreignKey().orElseThrow().parentCondition().isPresent())
                    .forEach(e -> t.columns().forEach(c -> kept.add(c.name())));
            plan.followedEdges().stream().filter(Edge::breaksCycle).filter(e -> e.child().equals(t.name()))
                    .forEach(e -> kept.addAll(e.foreignKey().orElseThrow().childColumns()));
        }
        List<ColumnView> columns = t.columns().stream()
                .filter(c -> plan.job().backup() || kept.contains(c.name()))
                .map(c -> new ColumnView(dialect.quote(c.name()), c.type(), c.writable()))
                .toList();
        String backupName = t.backupTable();
        return new TableView(t.name().display(), dialect.qualify(t.name().schema(), t.name().name()),
                dialect.qualify(dialect.frameworkSchema(), backupName), backupName,
                dialect.quote(indexNames.get(t.name())),
                t.height(), t.primaryEdge(), t.cycleGroup(), columns, quoted(t.key().columns()),
                t.table().columns().stream().anyMatch(c -> c.identity() == Identity.ALWAYS), detaches,
                quoted(detachedColumns(t)), catchUp, catchUpNullifies, catchUpDeletes, sequences(t),
                t.childrenFirst(), selfMatch(t, "b", "p"), selfMatch(t, "c", "t"),
                deferredConstraints(catchUpDeletes.stream().map(v -> plan.tables().stream()
                        .filter(p -> p.primaryEdge() == v.primaryEdge()).findFirst().orElseThrow().deferredUnit())
                        .filter(u -> u > 0).collect(Collectors.toSet())), null, 0, false);
    }

    /** The view with its deferred unit and its position in it. */
    private static TableView withUnit(TableView v, PurgeTable t, Map<Integer, DeferredUnitView> units) {
        if (t.deferredUnit() == 0) {
            return v;
        }
        DeferredUnitView unit = units.get(t.deferredUnit());
        int ordinal = 1 + unit.tables().stream().map(TableView::primaryEdge).toList().indexOf(v.primaryEdge());
        return new TableView(v.display(), v.table(), v.backup(), v.backupName(), v.backupIndex(), v.height(),
                v.primaryEdge(), v.cycleGroup(), v.backupColumns(), v.key(), v.overridingSystemValue(), v.detaches(),
                v.detached(), v.catchUp(), v.catchUpNullifies(), v.catchUpDeletes(), v.sequences(), v.childrenFirst(),
                v.treeRootParent(), v.treeJoin(), v.deferCatchUp(), unit, ordinal, v.optimisticDelete());
    }

    /** {@code SET CONSTRAINTS} list of the deferred edges of the given units, in edge order; empty for none. */
    private String deferredConstraints(Set<Integer> units) {
        return plan.followedEdges().stream().filter(Edge::deferred)
                .filter(e -> units.contains(plan.table(e.child()).orElseThrow().deferredUnit()))
                .map(e -> dialect.qualify(e.child().schema(), e.foreignKey().orElseThrow().name()))
                .distinct().collect(Collectors.joining(", "));
    }

    /**
     * A deferred unit: its tables in delete order, the statements that grow a batch into the set of rows deleted
     * together (catch-up and expansion, repeated to a fixed point), what goes first (SET NULL records, caught-up rows
     * of finished tables below, detaches) and the constraints deferred meanwhile.
     */
    private DeferredUnitView unit(int id, List<NullifyView> nullifies, Map<TableName, TableView> plain) {
        List<PurgeTable> members = plan.tables().stream().filter(t -> t.deferredUnit() == id).toList();
        List<TableName> names = members.stream().map(PurgeTable::name).toList();
        java.util.function.ToIntFunction<TableName> ordinal = n -> names.indexOf(n) + 1;
        List<PurgeTable> below = finishedBelow(members);
        Set<TableName> sources = new LinkedHashSet<>(names);
        below.forEach(t -> sources.add(t.name()));
        List<DeferredUnitView.UnitStepView> catchUp = plan.followedEdges().stream()
                .filter(e -> !e.root() && sources.contains(e.parent()))
                .sorted(Comparator.comparing((Edge e) -> names.contains(e.parent()) ? 0 : 1)
                        .thenComparing(e -> rank(e.parent()), Comparator.reverseOrder())
                        .thenComparingInt(Edge::id))
                .map(e -> unitStep(e, plain, ordinal))
                .toList();
        List<DeferredUnitView.UnitStepView> expansions = plan.followedEdges().stream()
                .filter(e -> !e.root() && !e.breaksCycle() && names.contains(e.parent()) && names.contains(e.child()))
                .map(e -> unitStep(e, plain, ordinal))
                .toList();
        List<DeferredUnitView.UnitNullifyView> unitNullifies = new ArrayList<>();
        for (NullifiedEdge n : plan.nullified()) {
            TableName parent = n.foreignKey().parent();
            if (sources.contains(parent)) {
                NullifyView view = nullifies.stream().filter(v -> v.edgeId() == n.edge().id()).findFirst().orElseThrow();
                unitNullifies.add(new DeferredUnitView.UnitNullifyView(view, plain.get(parent),
                        names.contains(parent) ? ordinal.applyAsInt(parent) : 0));
            }
        }
        List<TableView> deletes = below.stream().map(t -> tableView(t, detaches(t), List.of(), List.of(), List.of()))
                .toList();
        List<DeferredUnitView.UnitDetachView> detaches = plan.followedEdges().stream()
                .filter(e -> e.breaksCycle() && names.contains(e.parent()))
                .map(e -> new DeferredUnitView.UnitDetachView(detach(e), plain.get(e.parent()),
                        ordinal.applyAsInt(e.parent())))
                .toList();
        Set<Integer> deleted = new java.util.TreeSet<>(Set.of(id));
        below.stream().map(PurgeTable::deferredUnit).filter(u -> u > 0).forEach(deleted::add);
        return new DeferredUnitView(id, deferredConstraints(Set.of(id)), deferredConstraints(deleted),
                names.stream().map(plain::get).toList(),
                catchUp, expansions, unitNullifies, deletes, detaches);
    }

    private DeferredUnitView.UnitStepView unitStep(Edge e, Map<TableName, TableView> plain,
                                                   java.util.function.ToIntFunction<TableName> ordinal) {
        ForeignKey fk = e.foreignKey().orElseThrow();
        return new DeferredUnitView.UnitStepView(e.id(), fk.display() + " [" + fk.name() + (e.deferred() ? ", deferred"
                : "") + "]", plain.get(e.child()), plain.get(e.parent()),
                parentMatch(fk),
                ordinal.applyAsInt(e.parent()), ordinal.applyAsInt(e.child()));
    }

    /** {@code (child.fk = parent.key) OR ...} over the table's self-references, for tree numbering. */
    private String selfMatch(PurgeTable t, String child, String parent) {
        return plan.followedEdges().stream()
                .filter(e -> !e.root() && e.parent().equals(t.name()) && e.child().equals(t.name()))
                .map(e -> e.foreignKey().orElseThrow())
                .map(fk -> "(" + Sql.match(child, quoted(fk.childColumns()), parent, quoted(fk.parentColumns())) + ")")
                .collect(Collectors.joining(" OR "));
    }

    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

    /** Identity columns and integer key columns: the ones that may own a sequence. */
    private List<SequenceView> sequences(PurgeTable t) {
        if (!plan.job().backup()) {
            return List.of();
        }
        return t.columns().stream()
                .filter(c -> INTEGER_TYPES.contains(c.type()))
                .filter(c -> c.identity() != Identity.NONE || t.key().columns().contains(c.name()))
                .map(c -> new SequenceView(dialect.quote(c.name()), Sql.literal(c.name()), tableText(t.name())))
                .toList();
    }

    private String tableText(TableName t) {
        String qualified = dialect.qualify(t.schema(), t.name());
        if (!qualified.contains("U&\"")) {
            return Sql.literal(qualified);
        }
        return "format('%I.%I', " + Sql.literal(t.schema()) + ", " + Sql.literal(t.name()) + ")";
    }

    /** Cycle-breaking edges whose parent is this table: its deletes must detach the rows pointing at it. */
    private List<DetachView> detaches(PurgeTable parent) {
        return plan.followedEdges().stream()
                .filter(e -> e.breaksCycle() && e.parent().equals(parent.name()))
                .map(this::detach)
                .toList();
    }

    private DetachView detach(Edge e) {
        ForeignKey fk = e.foreignKey().orElseThrow();
        TableView child = views.get(e.child());
        List<String> childCols = quoted(fk.childColumns());
        List<String> parentCols = quoted(fk.parentColumns());
        return new DetachView(e.id(), fk.name(), child.display(), child.table(), child.backup(), child.key(),
                childCols.stream().map(c -> c + " = NULL").collect(Collectors.joining(", ")),
                Sql.match("c", childCols, "b", parentCols),
                childCols.stream().map(c -> c + " = b." + c).collect(Collectors.joining(", ")),
                childCols.stream().map(c -> "t." + c + " IS NULL").collect(Collectors.joining(" AND ")),
                backupHasRef(childCols),
                fk.selfReference());
    }

    /**
     * Whether a backed-up row had a reference to put back: any of the columns not null. A composite foreign key can
     * be half null (MATCH SIMPLE leaves it unchecked); rollback inserts detached columns as null, so such a row must
     * be re-attached too, or it would come back with its non-null half lost.
     */
    private static String backupHasRef(List<String> childCols) {
        if (childCols.size() == 1) {
            return "b." + childCols.get(0) + " IS NOT NULL";
        }
        return childCols.stream().map(c -> "b." + c + " IS NOT NULL").collect(Collectors.joining(" OR ", "(", ")"));
    }

    /**
     * Tables whose deletes finished before {@code table}'s start (earlier in delete order) and that its rows
     * reach through followed edges, passing only through such finished tables: rows inserted into them since
     * the cache, pointing at a batch of {@code table}, must be caught up before the batch is deleted.
     */
    private List<PurgeTable> finishedBelow(PurgeTable table) {
        return finishedBelow(List.of(table));
    }

    /** The same for a deferred unit: tables before its first one, reached from any of its tables. */
    private List<PurgeTable> finishedBelow(List<PurgeTable> tables) {
        int position = plan.tables().indexOf(tables.get(0));
        Set<TableName> seen = new LinkedHashSet<>();
        java.util.ArrayDeque<TableName> queue = new java.util.ArrayDeque<>(tables.stream().map(PurgeTable::name).toList());
        while (!queue.isEmpty()) {
            TableName from = queue.poll();
            for (Edge e : plan.followedEdges()) {
                if (!e.root() && e.parent().equals(from)) {
                    PurgeTable child = plan.table(e.child()).orElseThrow();
                    if (plan.tables().indexOf(child) < position && seen.add(child.name())) {
                        queue.add(child.name());
                    }
                }
            }
        }
        return plan.tables().stream().filter(t -> seen.contains(t.name())).toList();
    }

    /**
     * Whether a delete batch of {@code table} may skip the lock and the catch-up and try the delete first, taking
     * the careful path (lock, catch-up, delete: the code every other table runs) only when that delete fails with a
     * foreign key violation (SQLSTATE 23503), inside a PL/pgSQL block whose subtransaction the failure rolls back.
     *
     * <p>Safe when every foreign key into the table (from closure tables, excluded ones and SET NULL children alike)
     * is a declared, NOT DEFERRABLE constraint, ON DELETE NO ACTION or RESTRICT, and not a self-reference: then the
     * database checks at the end of the DELETE statement that no row anywhere still references a deleted row, and
     * the DELETE itself changes no other row (no cascade, no SET NULL / SET DEFAULT that would remove or alter a late
     * child without its backup, invariant 1). A child inserted since the cache (a late row, invariant 5) makes the
     * check fail, so nothing is lost: the careful path backs it up and deletes it. A delete that succeeds deletes
     * exactly the batch; the careful path would have found nothing to catch up from it (its first steps read the
     * rows referencing the batch: none; the others read only rows those steps catch up).
     *
     * <p>Concurrency (READ COMMITTED): an application transaction inserting a child takes FOR KEY SHARE on the
     * parent row for its foreign key check; the DELETE waits for it (within lock_timeout, else a retry as before),
     * and the check, run with a fresh snapshot, sees the committed child: 23503, careful path. A child inserted
     * after the DELETE locked its rows waits for this transaction and fails when it commits, the parent being gone:
     * the same as with the careful path's FOR UPDATE lock.
     *
     * <p>Kept on the careful path: tables with nothing to catch up (it is the plain delete already), SET NULL
     * children to record (catchUpNullifies), cycle-breaking detaches, trees deleted children first, catch-ups
     * repeated to a fixed point, self-references and cycles, deferred units and deferred constraints.
     */
    private boolean optimisticDelete(PurgeTable table, TableView view) {
        if (view.catchUp().isEmpty() || !view.catchUpNullifies().isEmpty() || !view.detaches().isEmpty()
                || view.childrenFirst() || view.catchUpRepeats() || !view.deferCatchUp().isEmpty()
                || view.unit() != null || table.cycleGroup() > 0 || table.deferredUnit() > 0) {
            return false;
        }
        if (view.catchUp().stream().anyMatch(s -> s.selfLoop() || s.child().table().equals(s.parent().table()))) {
            return false;
        }
        return plan.edges().stream()
                .filter(e -> !e.root() && e.parent().equals(table.name()))
                .map(e -> e.foreignKey().orElseThrow())
                .allMatch(fk -> !fk.selfReference() && !fk.deferrable() && !fk.initiallyDeferred()
                        && (fk.onDelete() == io.declutter.model.OnDelete.NO_ACTION
                            || fk.onDelete() == io.declutter.model.OnDelete.RESTRICT));
    }

    /** Catch-up cache statements before a batch of {@code table}: top down (descending cache rank), by edge id. */
    private List<CatchUpStepView> catchUp(PurgeTable table, Map<TableName, TableView> plain) {
        Set<TableName> sources = new LinkedHashSet<>();
        sources.add(table.name());
        finishedBelow(table).forEach(t -> sources.add(t.name()));
        return plan.followedEdges().stream()
                .filter(e -> !e.root() && sources.contains(e.parent()))
                .sorted(Comparator.comparing((Edge e) -> rank(e.parent()), Comparator.reverseOrder())
                        .thenComparing(e -> e.parent().equals(table.name()) ? 0 : 1)
                        .thenComparing(e -> e.child().equals(e.parent()) ? 0 : 1)
                        .thenComparingInt(Edge::id))
                .map(e -> {
                    ForeignKey fk = e.foreignKey().orElseThrow();
                    return new CatchUpStepView(e.id(), fk.display() + " [" + fk.name() + "]", plain.get(e.child()),
                            plain.get(e.parent()), parentMatch(fk),
                            e.parent().equals(table.name()), table.childrenFirst() && fk.selfReference());
                })
                .toList();
    }

    /**
     * The finished tables whose caught-up rows are deleted before a batch of {@code table}, with their detaches: a
     * purged row not deleted yet (of {@code table}, or higher) may point at a caught-up row through a cycle-breaking
     * foreign key, and must be detached before that row goes.
     */
    private List<TableView> catchUpDeletes(PurgeTable table, Map<TableName, TableView> plain) {
        return finishedBelow(table).stream().map(t -> tableView(t, detaches(t), List.of(), List.of(), List.of())).toList();
    }

    /** Columns of a table that cycle-breaking edges detach: rollback inserts them as null, then re-attaches. */
    private List<String> detachedColumns(PurgeTable table) {
        java.util.stream.Stream<String> breaking = plan.followedEdges().stream()
                .filter(e -> e.breaksCycle() && e.child().equals(table.name()))
                .flatMap(e -> e.foreignKey().orElseThrow().childColumns().stream());
        // Closure rows of a SET NULL child come back with those columns null (their parent may not be back
        // yet); the SET NULL restore at the end puts the values back. NOT NULL columns keep their values.
        java.util.stream.Stream<String> nulled = plan.nullified().stream()
                .filter(n -> n.foreignKey().child().equals(table.name()))
                .flatMap(n -> n.foreignKey().childColumns().stream())
                .filter(c -> table.table().column(c).map(col -> col.nullable()).orElse(false));
        return java.util.stream.Stream.concat(breaking, nulled).distinct().toList();
    }

    /**
     * What rollback re-attaches from the closure backups once every table is back: cycle-breaking columns, and
     * the nullable SET NULL columns of closure rows (inserted as null because their parent may come later).
     */
    private List<DetachView> reattaches() {
        List<DetachView> result = new ArrayList<>(plan.followedEdges().stream().filter(Edge::breaksCycle)
                .map(this::detach).toList());
        for (NullifiedEdge n : plan.nullified()) {
            PurgeTable child = plan.table(n.foreignKey().child()).orElse(null);
            if (child == null) {
                continue;
            }
            List<String> cols = n.foreignKey().childColumns().stream()
                    .filter(c -> child.table().column(c).map(col -> col.nullable()).orElse(false)).toList();
            if (cols.isEmpty()) {
                continue;
            }
            TableView view = views.get(child.name());
            List<String> q = quoted(cols);
            result.add(new DetachView(n.edge().id(), n.foreignKey().name(), view.display(), view.table(), view.backup(),
                    view.key(), "", "", q.stream().map(c -> c + " = b." + c).collect(Collectors.joining(", ")),
                    q.stream().map(c -> "t." + c + " IS NULL").collect(Collectors.joining(" AND ")),
                    backupHasRef(q), false));
        }
        return result;
    }

    private NullifyView nullify(NullifiedEdge n, Map<TableName, TableView> plain) {
        ForeignKey fk = n.foreignKey();
        String backup = n.backupTable();
        return new NullifyView(n.edge().id(), fk.display() + " [" + fk.name() + ", ON DELETE " + fk.onDelete().sql() + "]",
                fk.name(), fk.child().display(), dialect.qualify(fk.child().schema(), fk.child().name()),
                dialect.qualify(dialect.frameworkSchema(), backup), backup,
                dialect.quote(BackupNames.fit(backup + "_seq", dialect.maxIdentifierBytes())),
                columnViews(n.child(), n.key().columns()), columnViews(n.child(), fk.childColumns()),
                plain.get(fk.parent()), parentMatch(fk),
                fk.onDelete() == io.declutter.model.OnDelete.SET_DEFAULT);
    }

    private List<ColumnView> columnViews(io.declutter.model.Table table, List<String> names) {
        return names.stream().map(name -> table.column(name).orElseThrow())
                .map(c -> new ColumnView(dialect.quote(c.name()), c.type(), c.writable())).toList();
    }

    /** SET NULL edges from this table and from the finished tables below it, caught up before each batch. */
    private List<CatchUpNullifyView> catchUpNullifies(PurgeTable table, List<NullifyView> nullifies,
                                                      Map<TableName, TableView> plain) {
        Set<TableName> sources = new LinkedHashSet<>();
        sources.add(table.name());
        finishedBelow(table).forEach(t -> sources.add(t.name()));
        List<CatchUpNullifyView> result = new ArrayList<>();
        for (NullifiedEdge n : plan.nullified()) {
            TableName parent = n.foreignKey().parent();
            if (sources.contains(parent)) {
                NullifyView view = nullifies.stream().filter(v -> v.edgeId() == n.edge().id()).findFirst().orElseThrow();
                result.add(new CatchUpNullifyView(view, plain.get(parent), parent.equals(table.name())));
            }
        }
        return result;
    }

    /**
     * Cache order: root first, then by descending cache rank of the child table, so a table's rows are
     * complete before its children are looked up; at one rank, edges into a cycle come before the edges
     * inside it, which are gathered into one unit repeated until no new rows appear.
     */
    private List<CacheUnitView> cacheUnits() {
        List<Edge> ordered = plan.followedEdges().stream()
                .sorted(Comparator.comparingInt((Edge e) -> e.root() ? 0 : 1)
                        .thenComparing(Comparator.comparingInt((Edge e) -> rank(e.child())).reversed())
                        .thenComparingInt(e -> e.cycleGroup() > 0 ? 1 : 0)
                        .thenComparingInt(Edge::cycleGroup)
                        .thenComparingInt(Edge::id))
                .toList();
        List<CacheUnitView> units = new ArrayList<>();
        for (Edge e : ordered) {
            CacheStepView step = cacheStep(e);
            CacheUnitView last = units.isEmpty() ? null : units.get(units.size() - 1);
            if (e.cycleGroup() > 0 && last != null && last.fixpoint() && last.cycleGroup() == e.cycleGroup()) {
                List<CacheStepView> steps = new ArrayList<>(last.steps());
                steps.add(step);
                units.set(units.size() - 1, new CacheUnitView(steps, true, e.cycleGroup(), last.tree()));
            } else {
                PurgeTable child = plan.table(e.child()).orElseThrow();
                TableView tree = e.cycleGroup() > 0 && child.childrenFirst() ? views.get(child.name()) : null;
                units.add(new CacheUnitView(List.of(step), e.cycleGroup() > 0, e.cycleGroup(), tree));
            }
        }
        return units;
    }

    private int rank(TableName table) {
        return plan.table(table).orElseThrow().cacheRank();
    }

    private CacheStepView cacheStep(Edge e) {
        TableView child = views.get(e.child());
        if (e.root()) {
            return new CacheStepView(e.id(), "root rows of " + e.child().display(), child, null, "");
        }
        ForeignKey fk = e.foreignKey().orElseThrow();
        return new CacheStepView(e.id(), fk.display() + " [" + fk.name() + "]", child, views.get(e.parent()),
                parentMatch(fk));
    }

    private List<EdgeView> edgeViews() {
        return plan.edges().stream().map(e -> {
            String backup = switch (e.strategy()) {
                case DELETE -> Sql.literal(plan.table(e.child()).orElseThrow().backupTable());
                case SET_NULL -> plan.nullified().stream().filter(n -> n.edge().id() == e.id()).findFirst()
                        .map(n -> Sql.literal(n.backupTable())).orElse("NULL");
                case SKIP -> "NULL";
            };
            return new EdgeView(e.id(), e.parentEdgeId().map(String::valueOf).orElse("NULL"),
                    e.foreignKey().map(fk -> Sql.literal(fk.name())).orElse("NULL"),
                    Sql.literal(e.parent().display()), Sql.literal(e.child().display()),
                    e.foreignKey().map(fk -> textArray(fk.parentColumns())).orElse("NULL"),
                    e.foreignKey().map(fk -> textArray(fk.childColumns())).orElse("NULL"),
                    e.foreignKey().map(fk -> Sql.literal(fk.onDelete().sql())).orElse("NULL"),
                    Sql.literal(e.strategy().sql()),
                    e.depth(), e.height(), e.cycleGroup(), e.breaksCycle() || e.deferred(), e.primary(), backup,
                    Sql.literal(e.strategy() == Strategy.SKIP ? "skipped" : "pending"));
        }).toList();
    }

    /**
     * {@code p.<parent cols> = c.<child cols>}: a child row {@code c} references the backed-up parent row {@code p}.
     * A foreign key into one partition of the parent also needs {@code p} to satisfy that partition's constraint
     * (two partitions may hold the same key): the constraint names the parent's columns unqualified, so it is
     * evaluated over a row made of {@code p}'s columns alone (docs/design.md#partitions). A foreign key declared on
     * one partition of the child only binds the rows of that partition: {@code c} must satisfy its constraint, in the
     * same way ({@code c} is the live child table wherever this condition is used).
     */
    private String parentMatch(ForeignKey fk) {
        String match = Sql.match("p", quoted(fk.parentColumns()), "c", quoted(fk.childColumns()));
        String parentRow = fk.parentCondition()
                .map(condition -> " AND (SELECT " + condition + " FROM (SELECT p.*) AS partition_row)").orElse("");
        String childRow = fk.childCondition()
                .map(condition -> " AND (SELECT " + condition + " FROM (SELECT c.*) AS partition_row)").orElse("");
        return match + parentRow + childRow;
    }

    private String textArray(List<String> values) {
        return "ARRAY[" + values.stream().map(Sql::literal).collect(Collectors.joining(", ")) + "]::text[]";
    }

    private List<String> quoted(List<String> names) {
        return names.stream().map(dialect::quote).toList();
    }
}
