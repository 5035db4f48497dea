package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.plan.BackupNames;
import io.declutter.plan.PurgeAnalysis;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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
    private final PurgeAnalysis analysis;
    private final Map<Integer, Edge> edges = new HashMap<>();
    private final Map<TableName, PurgeTable> planTables = new HashMap<>();
    private final Map<TableName, PurgeAnalysis.TableWork> works = new HashMap<>();

    public JobViewBuilder(Dialect dialect, PurgePlan plan) {
        this.dialect = dialect;
        this.plan = plan;
        Map<TableName, String> backupNames = new HashMap<>();
        plan.tables().forEach(t -> backupNames.put(t.name(), t.backupTable()));
        this.indexNames = BackupNames.indexNames(backupNames, dialect.maxIdentifierBytes());
        this.analysis = PurgeAnalysis.of(plan);
        // Looked up by name and id for every table and step: maps, not scans (a 1,000-table plan has 3,000 edges).
        plan.edges().forEach(e -> edges.put(e.id(), e));
        plan.tables().forEach(t -> planTables.put(t.name(), t));
        analysis.tables().forEach(w -> works.put(w.table(), w));
    }

    public JobView build() {
        plan.tables().forEach(t -> views.put(t.name(), tableView(t, List.of(), List.of(), List.of(), List.of(), false,
                List.of(), false)));
        // Detaches and catch-up steps need the views of other tables: second pass.
        Map<TableName, TableView> plain = new HashMap<>(views);
        List<NullifyView> nullifies = plan.nullified().stream().map(n -> nullify(n, plain)).toList();
        Map<Integer, DeferredUnitView> units = new HashMap<>();
        analysis.deferredUnits().forEach(u -> units.put(u.id(), unit(u, nullifies, plain)));
        plan.tables().forEach(t -> {
            PurgeAnalysis.TableWork work = work(t.name());
            TableView v = withUnit(tableView(t, detaches(t), catchUp(t, plain), catchUpNullifies(t, nullifies, plain),
                    catchUpDeletes(t), work.catchUpRepeats(), work.lateTables().stream().map(plain::get).toList(),
                    work.lateRepeats()), t, units);
            views.put(t.name(), v.withOptimisticDelete(work.fastPath()));
        });
        List<TableView> tables = plan.tables().stream().map(t -> views.get(t.name())).toList();
        TableView root = views.get(plan.job().root());
        String schemas = plan.tables().stream().map(t -> t.name().schema())
                .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
        return new JobView(plan.job().name(), Sql.literal(plan.job().name()), dialect.quote(dialect.frameworkSchema()),
                plan.job().root().display(), plan.job().rootPredicate().or(() -> RootFilter.of(plan.job(), dialect))
                        .orElse(""), plan.job().rows().describe(), schemas, plan.job().backup(),
                plan.job().batchSize(), plan.job().lockTimeout().toMillis(), plan.job().statementTimeout().toMillis(),
                root, rootFilter(root), orphanKey(), tables, cacheUnits(), edgeViews(),
                reattaches(), nullifies, foreignKeyCheck(), late(nullifies, plain),
                TriggersView.of(dialect, plan));
    }

    /** The late rows of each finished table some batch catches up from (see {@link LateView}). */
    private List<LateView> late(List<NullifyView> nullifies, Map<TableName, TableView> plain) {
        return analysis.late().stream().map(l -> {
            PurgeTable t = planTable(l.table());
            List<CatchUpStepView> steps = l.catchUpEdges().stream().map(id -> {
                Edge e = edge(id);
                ForeignKey fk = e.foreignKey().orElseThrow();
                return new CatchUpStepView(id, fk.display() + " [" + fk.name() + "]", plain.get(e.child()),
                        plain.get(e.parent()), parentMatch(fk), false, false);
            }).toList();
            List<NullifyView> records = l.nullifyEdges().stream()
                    .map(id -> nullifies.stream().filter(v -> v.edgeId() == id).findFirst().orElseThrow()).toList();
            return new LateView(tableView(t, detaches(t), List.of(), List.of(), List.of(), false, List.of(), false),
                    steps, records);
        }).toList();
    }

    /** The closure tables and every foreign key of the plan, for the check before the first delete. */
    private ForeignKeyCheckView foreignKeyCheck() {
        List<String> purged = plan.tables().stream().map(t -> regclass(t.name())).toList();
        List<ForeignKeyCheckView.Known> known = analysis.knownForeignKeys().stream()
                .map(fk -> new ForeignKeyCheckView.Known(regclass(fk.child()), Sql.literal(fk.name())))
                .distinct().toList();
        return new ForeignKeyCheckView(purged, known, defaultChecks(), resetChecks(), blockingChecks());
    }

    /** The NO ACTION / RESTRICT keys from excluded tables, whose rows referencing purged rows would fail a delete. */
    private List<ForeignKeyCheckView.Blocking> blockingChecks() {
        return plan.edges().stream().filter(e -> e.strategy() == io.declutter.model.Strategy.SKIP)
                .map(e -> e.foreignKey().orElseThrow())
                .filter(fk -> !fk.logical())
                .filter(fk -> fk.onDelete() == io.declutter.model.OnDelete.NO_ACTION
                        || fk.onDelete() == io.declutter.model.OnDelete.RESTRICT)
                .map(fk -> new ForeignKeyCheckView.Blocking(fk.display() + " [" + fk.name() + ", ON DELETE "
                        + fk.onDelete().sql() + "] from the excluded table " + fk.child(),
                        dialect.qualify(fk.declaringTable().schema(), fk.declaringTable().name()),
                        views.get(fk.parent()).backup(), parentMatch(fk)))
                .distinct().toList();
    }

    /**
     * The CHECK constraints of each SET NULL / SET DEFAULT edge, each with the row its reset makes of a child row
     * {@code c} (docs/design.md#set-null-and-set-default). A default drawn from a sequence cannot be evaluated without consuming a value:
     * such an edge is left to plan's warning.
     */
    private List<ForeignKeyCheckView.ResetCheck> resetChecks() {
        List<ForeignKeyCheckView.ResetCheck> checks = new ArrayList<>();
        for (NullifiedEdge n : plan.nullified()) {
            ForeignKey fk = n.foreignKey();
            if (fk.resetChecks().isEmpty() || n.repoint()) {
                continue; // a re-pointed edge's rows are never reset: they hold the kept row's key before it goes
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
     * the key the reset writes exists in the parent and survives the run (docs/design.md#set-null-and-set-default). Defaults drawn
     * from a sequence are left out: evaluating one would consume a value, and plan warns about the edge anyway.
     */
    private List<ForeignKeyCheckView.DefaultCheck> defaultChecks() {
        List<ForeignKeyCheckView.DefaultCheck> checks = new ArrayList<>();
        for (NullifiedEdge n : plan.nullified()) {
            ForeignKey fk = n.foreignKey();
            if (fk.onDelete() != io.declutter.model.OnDelete.SET_DEFAULT || n.repoint()) {
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
                    .map(condition -> " AND (SELECT " + rowCondition(condition, fk.parent())
                            + " FROM (SELECT x.*) AS partition_row)").orElse("");
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

    /** The declared key an orphan job purges the orphans of (docs/design.md#orphan-roots); empty otherwise. */
    private String orphanKey() {
        return plan.job().rows() instanceof io.declutter.model.RootRows.OrphansOf o
                ? o.key().filter(k -> !k.logical()).map(ForeignKey::name).orElse("") : "";
    }

    private String rootFilter(TableView root) {
        if (plan.job().rootPredicate().isPresent()) {
            return "(" + plan.job().rootPredicate().get() + ")";
        }
        Optional<String> generated = RootFilter.of(plan.job(), dialect);
        if (generated.isPresent()) {
            return "(" + generated.get() + ")";
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
                                List<CatchUpNullifyView> catchUpNullifies, List<TableView> catchUpDeletes,
                                boolean catchUpRepeats, List<TableView> lateTables, boolean lateRepeats) {
        PurgeAnalysis.TableWork work = work(t.name());
        Set<String> kept = new LinkedHashSet<>(work.cacheColumns());
        List<ColumnView> columns = t.columns().stream()
                .filter(c -> kept.contains(c.name()))
                .map(c -> new ColumnView(dialect.quote(c.name()), c.type(), c.writable()))
                .toList();
        String backupName = t.backupTable();
        // catch-up deletes (the tables below) are views without catch-up of their own: nothing to defer for them
        String deferCatchUp = catchUpDeletes.isEmpty() ? "" : constraints(work.deferEdges());
        return new TableView(t.name().display(), dialect.qualify(t.name().schema(), t.name().name()),
                dialect.qualify(dialect.frameworkSchema(), backupName), backupName,
                dialect.quote(indexNames.get(t.name())),
                t.height(), t.primaryEdge(), t.cycleGroup(), columns, quoted(t.key().columns()),
                t.table().columns().stream().anyMatch(c -> c.identity() == Identity.ALWAYS), detaches,
                quoted(work.detachedColumns()), catchUp, catchUpNullifies, catchUpDeletes, sequences(t),
                t.childrenFirst(), selfMatch(work, "b", "p"), selfMatch(work, "c", "t"),
                deferCatchUp, null, 0, false, catchUpRepeats, lateTables, lateRepeats, t.rowIdentity());
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
                v.treeRootParent(), v.treeJoin(), v.deferCatchUp(), unit, ordinal, v.optimisticDelete(),
                v.catchUpRepeats(), v.lateTables(), v.lateRepeats(), v.rowIdentity());
    }

    /** {@code SET CONSTRAINTS} list of the given deferred edges, in edge order; empty for none. */
    private String constraints(List<Integer> edgeIds) {
        return edgeIds.stream().map(this::edge)
                .map(e -> dialect.qualify(e.child().schema(), e.foreignKey().orElseThrow().name()))
                .distinct().collect(Collectors.joining(", "));
    }

    private Edge edge(int id) {
        Edge e = edges.get(id);
        if (e == null) {
            throw new java.util.NoSuchElementException("no edge " + id);
        }
        return e;
    }

    private PurgeAnalysis.TableWork work(TableName table) {
        PurgeAnalysis.TableWork w = works.get(table);
        if (w == null) {
            throw new IllegalArgumentException(table + " is not a closure table");
        }
        return w;
    }

    private PurgeTable planTable(TableName table) {
        PurgeTable t = planTables.get(table);
        if (t == null) {
            throw new java.util.NoSuchElementException(table + " is not a closure table");
        }
        return t;
    }

    /**
     * A deferred unit: its tables in delete order, the statements that grow a batch into the set of rows deleted
     * together (catch-up and expansion, repeated to a fixed point), what goes first (SET NULL records, caught-up rows
     * of finished tables below, detaches) and the constraints deferred meanwhile.
     */
    private DeferredUnitView unit(PurgeAnalysis.DeferredUnit u, List<NullifyView> nullifies,
                                  Map<TableName, TableView> plain) {
        List<DeferredUnitView.UnitStepView> catchUp = u.catchUp().stream().map(st -> unitStep(st, plain)).toList();
        List<DeferredUnitView.UnitStepView> expansions = u.expansions().stream().map(st -> unitStep(st, plain))
                .toList();
        List<DeferredUnitView.UnitNullifyView> unitNullifies = u.nullifies().stream()
                .map(n -> new DeferredUnitView.UnitNullifyView(
                        nullifies.stream().filter(v -> v.edgeId() == n.edgeId()).findFirst().orElseThrow(),
                        plain.get(n.parent()), n.parentOrdinal()))
                .toList();
        List<TableView> deletes = u.catchUpDeletes().stream().map(n -> planTable(n))
                .map(t -> tableView(t, detaches(t), List.of(), List.of(), List.of(), false, List.of(), false))
                .toList();
        List<DeferredUnitView.UnitDetachView> detaches = u.detaches().stream()
                .map(d -> new DeferredUnitView.UnitDetachView(detach(edge(d.edgeId())), plain.get(d.parent()),
                        d.parentOrdinal()))
                .toList();
        return new DeferredUnitView(u.id(), constraints(u.deferEdges()), constraints(u.deleteDeferEdges()),
                u.tables().stream().map(plain::get).toList(),
                catchUp, expansions, unitNullifies, deletes, detaches,
                u.lateTables().stream().map(plain::get).toList());
    }

    private DeferredUnitView.UnitStepView unitStep(PurgeAnalysis.UnitStep st, Map<TableName, TableView> plain) {
        Edge e = edge(st.edgeId());
        ForeignKey fk = e.foreignKey().orElseThrow();
        return new DeferredUnitView.UnitStepView(e.id(), fk.display() + " [" + fk.name() + (e.deferred() ? ", deferred"
                : "") + "]", plain.get(e.child()), plain.get(e.parent()),
                parentMatch(fk), st.parentOrdinal(), st.childOrdinal());
    }

    /** {@code (child.fk = parent.key) OR ...} over the table's self-references, for tree numbering. */
    private String selfMatch(PurgeAnalysis.TableWork work, String child, String parent) {
        return work.selfReferences().stream().map(id -> edge(id).foreignKey().orElseThrow())
                .map(fk -> "(" + Sql.match(child, quoted(fk.childColumns()), parent, quoted(fk.parentColumns())) + ")")
                .collect(Collectors.joining(" OR "));
    }

    /** Identity columns and integer key columns: the ones that may own a sequence. */
    private List<SequenceView> sequences(PurgeTable t) {
        if (!plan.job().backup()) {
            return List.of();
        }
        return t.sequenceColumns().stream()
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
        return work(parent.name()).detachEdges().stream().map(this::edge).map(this::detach).toList();
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

    /** Catch-up cache statements before a batch of {@code table}: top down (descending cache rank), by edge id. */
    private List<CatchUpStepView> catchUp(PurgeTable table, Map<TableName, TableView> plain) {
        return work(table.name()).catchUp().stream().map(st -> {
            ForeignKey fk = edge(st.edgeId()).foreignKey().orElseThrow();
            return new CatchUpStepView(st.edgeId(), fk.display() + " [" + fk.name() + "]", plain.get(st.child()),
                    plain.get(st.parent()), parentMatch(fk), st.fromBatch(), st.selfLoop());
        }).toList();
    }

    /**
     * The finished tables whose caught-up rows are deleted before a batch of {@code table}, with their detaches: a
     * purged row not deleted yet (of {@code table}, or higher) may point at a caught-up row through a cycle-breaking
     * foreign key, and must be detached before that row goes.
     */
    private List<TableView> catchUpDeletes(PurgeTable table) {
        return work(table.name()).catchUpDeletes().stream().map(n -> planTable(n))
                .map(t -> tableView(t, detaches(t), List.of(), List.of(), List.of(), false, List.of(), false))
                .toList();
    }

    /**
     * What rollback re-attaches from the closure backups once every table is back: cycle-breaking columns, and
     * the nullable SET NULL columns of closure rows (inserted as null because their parent may come later).
     */
    private List<DetachView> reattaches() {
        List<DetachView> result = new ArrayList<>();
        for (PurgeAnalysis.Reattach r : analysis.reattaches()) {
            if (r.breaksCycle()) {
                result.add(detach(edge(r.edgeId())));
                continue;
            }
            NullifiedEdge n = plan.nullified().stream().filter(x -> x.edge().id() == r.edgeId()).findFirst()
                    .orElseThrow();
            TableView view = views.get(r.child());
            List<String> q = quoted(r.columns());
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
        String action = fk.logical() ? "logical reference, set null" : "ON DELETE " + fk.onDelete().sql();
        return new NullifyView(n.edge().id(), fk.display() + " [" + fk.name() + ", " + action + "]",
                fk.name(), fk.child().display(), dialect.qualify(fk.child().schema(), fk.child().name()),
                dialect.qualify(dialect.frameworkSchema(), backup), backup,
                dialect.quote(BackupNames.fit(backup + "_seq", dialect.maxIdentifierBytes())),
                columnViews(n.child(), n.key().columns()), columnViews(n.child(), fk.childColumns()),
                plain.get(fk.parent()), parentMatch(fk),
                fk.onDelete() == io.declutter.model.OnDelete.SET_DEFAULT && !n.repoint(), fk.logical(), n.repoint(),
                n.repoint() ? repointMap(fk) : "", n.repoint() ? uniqueChecks(n) : List.of());
    }

    /** The duplicates-to-kept-rows map of a re-pointed edge (docs/design.md#re-pointing). */
    private String repointMap(ForeignKey fk) {
        io.declutter.model.RootRows.DuplicatesOf d = (io.declutter.model.RootRows.DuplicatesOf) plan.job().rows();
        TableName root = plan.job().root();
        String backup = dialect.qualify(dialect.frameworkSchema(), plan.table(root).orElseThrow().backupTable());
        return RootFilter.repointMap(plan.job(), d, fk, backup, dialect);
    }

    /**
     * For each unique key of a re-pointed edge's child that holds re-pointed columns: the rows that re-pointing every
     * duplicate of the run would leave with the key value of another row, a re-pointed one or one already there.
     * Rows with a NULL in the key never collide.
     */
    private List<NullifyView.UniqueCheck> uniqueChecks(NullifiedEdge n) {
        ForeignKey fk = n.foreignKey();
        String child = dialect.qualify(fk.child().schema(), fk.child().name());
        List<NullifyView.UniqueCheck> checks = new java.util.ArrayList<>();
        for (io.declutter.model.UniqueKey k : n.child().keys()) {
            if (k.columns().stream().noneMatch(fk.childColumns()::contains)) {
                continue;
            }
            List<String> moved = new java.util.ArrayList<>();
            List<String> keyCols = n.key().columns();
            for (int i = 0; i < keyCols.size(); i++) {
                moved.add("c." + dialect.quote(keyCols.get(i)) + " AS declutter_k" + (i + 1));
            }
            List<String> nonNull = new java.util.ArrayList<>();
            List<String> existing = new java.util.ArrayList<>();
            List<String> other = new java.util.ArrayList<>();
            for (int j = 0; j < k.columns().size(); j++) {
                String col = k.columns().get(j);
                int f = fk.childColumns().indexOf(col);
                moved.add((f >= 0 ? "m.declutter_kept" + (f + 1) : "c." + dialect.quote(col)) + " AS declutter_u" + (j + 1));
                nonNull.add("x.declutter_u" + (j + 1) + " IS NOT NULL");
                existing.add("s." + dialect.quote(col) + " = x.declutter_u" + (j + 1));
                other.add("y.declutter_u" + (j + 1) + " = x.declutter_u" + (j + 1));
            }
            List<String> sameRow = new java.util.ArrayList<>();
            for (int i = 0; i < keyCols.size(); i++) {
                sameRow.add("y.declutter_k" + (i + 1) + " = x.declutter_k" + (i + 1));
            }
            List<String> refs = new java.util.ArrayList<>();
            for (int i = 0; i < fk.childColumns().size(); i++) {
                refs.add("c." + dialect.quote(fk.childColumns().get(i)) + " = m.declutter_dup" + (i + 1));
            }
            String with = "WITH declutter_repointed AS (SELECT " + String.join(", ", moved) + " FROM " + child + " c, ("
                    + repointMap(fk).replace(RootFilter.RANGE, "1 = 1") + ") m WHERE " + String.join(" AND ", refs)
                    + ")";
            String from = "FROM declutter_repointed x WHERE " + String.join(" AND ", nonNull) + " AND (EXISTS (SELECT 1"
                    + " FROM " + child + " s WHERE " + String.join(" AND ", existing) + ") OR EXISTS (SELECT 1 FROM"
                    + " declutter_repointed y WHERE " + String.join(" AND ", other) + " AND NOT ("
                    + String.join(" AND ", sameRow) + ")))";
            checks.add(new NullifyView.UniqueCheck(k.name(), String.join(", ", k.columns()), with, from));
        }
        return checks;
    }

    private List<ColumnView> columnViews(io.declutter.model.Table table, List<String> names) {
        return names.stream().map(name -> table.column(name).orElseThrow())
                .map(c -> new ColumnView(dialect.quote(c.name()), c.type(), c.writable())).toList();
    }

    /** SET NULL edges from this table and from the finished tables below it, caught up before each batch. */
    private List<CatchUpNullifyView> catchUpNullifies(PurgeTable table, List<NullifyView> nullifies,
                                                      Map<TableName, TableView> plain) {
        return work(table.name()).catchUpNullifies().stream()
                .map(u -> new CatchUpNullifyView(
                        nullifies.stream().filter(v -> v.edgeId() == u.edgeId()).findFirst().orElseThrow(),
                        plain.get(u.parent()), u.fromBatch()))
                .toList();
    }

    /** The cache phase in the analysis's order (see {@link PurgeAnalysis#cacheUnits()}). */
    private List<CacheUnitView> cacheUnits() {
        return analysis.cacheUnits().stream()
                .map(u -> new CacheUnitView(u.edgeIds().stream().map(id -> cacheStep(edge(id))).toList(),
                        u.fixpoint(), u.cycleGroup(), u.tree().map(views::get).orElse(null)))
                .toList();
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
            String backup = PurgeAnalysis.backupTable(plan, e).map(Sql::literal).orElse("NULL");
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
                .map(condition -> " AND (SELECT " + rowCondition(condition, fk.parent())
                        + " FROM (SELECT p.*) AS partition_row)").orElse("");
        String childRow = fk.childCondition()
                .map(condition -> " AND (SELECT " + rowCondition(condition, fk.child())
                        + " FROM (SELECT c.*) AS partition_row)").orElse("");
        return match + parentRow + childRow;
    }

    /**
     * A partition constraint with its columns qualified by {@code partition_row}, so that no name in it is taken for a
     * variable of the PL/pgSQL body it is evaluated in (PartitionConditions); as printed when the table's columns are
     * not known here (a table outside the closure and its SET NULL children).
     */
    private String rowCondition(String condition, io.declutter.model.TableName table) {
        java.util.Optional<List<String>> columns = plan.tables().stream().filter(t -> t.name().equals(table))
                .findFirst().map(t -> t.table().columns().stream().map(c -> c.name()).toList())
                .or(() -> plan.nullified().stream().filter(n -> n.child().name().equals(table)).findFirst()
                        .map(n -> n.child().columns().stream().map(c -> c.name()).toList()));
        return columns.map(c -> PartitionConditions.qualified(condition, "partition_row", c)).orElse(condition);
    }

    private String textArray(List<String> values) {
        return "ARRAY[" + values.stream().map(Sql::literal).collect(Collectors.joining(", ")) + "]::text[]";
    }

    private List<String> quoted(List<String> names) {
        return names.stream().map(dialect::quote).toList();
    }
}
