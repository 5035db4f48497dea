package io.declutter.plan;

import io.declutter.model.Edge;
import io.declutter.model.ForeignKey;
import io.declutter.model.NullifiedEdge;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.TableName;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the generated code of a purge does, decided once for every dialect: the order of the cache steps, what runs
 * before each delete batch (catch-up, SET NULL records, detaches, deletes of caught-up rows), which tables may take
 * the fast path, the deferred units, the columns a backup keeps and rollback re-attaches, and the foreign keys the
 * check before the first delete knows. Only edge ids, table names and column names: renderers turn it into text.
 *
 * @param tables        one entry per closure table, in delete order (the plan's)
 * @param cacheUnits    the cache phase, in order: root first, then by descending cache rank of the child table
 * @param deferredUnits the deferred units by id (1-based, in order)
 * @param reattaches    what rollback re-attaches once every table is back: cycle-breaking columns, then the
 *                      nullable SET NULL columns of closure rows
 * @param knownForeignKeys the foreign keys the plan knows (declaring table, the child or its partition, and
 *                      constraint name, in edge order, no
 *                      duplicates): any other enabled foreign key into a purged table stops the first delete
 * @param late          the finished tables some batch catches up from, in delete order: what is done with their
 *                      late rows, once per table, whichever batch it runs for
 */
public record PurgeAnalysis(List<TableWork> tables, List<CacheUnit> cacheUnits, List<DeferredUnit> deferredUnits,
                            List<Reattach> reattaches, List<KnownForeignKey> knownForeignKeys, List<LateWork> late) {

    public PurgeAnalysis {
        tables = List.copyOf(tables);
        late = List.copyOf(late);
        cacheUnits = List.copyOf(cacheUnits);
        deferredUnits = List.copyOf(deferredUnits);
        reattaches = List.copyOf(reattaches);
        knownForeignKeys = List.copyOf(knownForeignKeys);
        for (int i = 0; i < deferredUnits.size(); i++) {
            if (deferredUnits.get(i).id() != i + 1) {
                throw new IllegalArgumentException("deferred units must be numbered 1.." + deferredUnits.size());
            }
        }
    }

    /** The work of one table. */
    public TableWork table(TableName name) {
        return tables.stream().filter(t -> t.table().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " is not a closure table"));
    }

    /** The deferred unit of that id (1-based). */
    public DeferredUnit deferredUnit(int id) {
        return deferredUnits.get(id - 1);
    }

    /**
     * One catch-up statement before a delete batch: back up the rows of {@code child} inserted since the cache that
     * reference the batch ({@code fromBatch}) or rows of a finished table caught up just before. {@code selfLoop}: the
     * self-reference of a children-first tree, repeated until no new late row appears.
     */
    public record CatchUpStep(int edgeId, TableName parent, TableName child, boolean fromBatch, boolean selfLoop) {
        public CatchUpStep {
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(child, "child");
            if (selfLoop && !parent.equals(child)) {
                throw new IllegalArgumentException("edge " + edgeId + ": only a self-reference loops");
            }
        }
    }

    /** A SET NULL edge caught up before a batch: its parent is the batch's table ({@code fromBatch}) or one below. */
    public record NullifyStep(int edgeId, TableName parent, boolean fromBatch) {
        public NullifyStep {
            Objects.requireNonNull(parent, "parent");
        }
    }

    /**
     * What runs for one closure table.
     *
     * @param detachEdges     cycle-breaking edges whose parent is this table: the rows pointing at a batch are set to
     *                        null first
     * @param detachedColumns columns of this table that cycle-breaking edges, or nullable SET NULL edges, null: rollback
     *                        inserts them as null and re-attaches them last
     * @param cacheColumns    columns its backup keeps: all of them with backup on, else the key, the columns children
     *                        are looked up by (all of them for a partition condition) and the detached ones
     * @param selfReferences  followed self-references of this table, in edge order (a tree's parent-child links)
     * @param catchUp         catch-up statements before each batch, top down (descending cache rank), by edge id
     * @param catchUpNullifies SET NULL edges from this table and the finished tables below it
     * @param catchUpDeletes  finished tables below this one whose caught-up rows are deleted before a batch, in
     *                        delete order: tables earlier in delete order reached from this one through such tables
     * @param deferEdges      deferred edges of the deferred units those deletes touch, in edge order: deferred while
     *                        they run
     * @param catchUpRepeats  the catch-up statements are repeated to a fixed point (see {@link #repeats})
     * @param fastPath        each batch is first deleted without lock or catch-up (see {@link #fastPath})
     * @param lateTables      the same catch-up grouped by table: after the steps from the batch ({@code catchUp}
     *                        with {@code fromBatch}), the late rows of each of these tables, top down (descending
     *                        cache rank, then delete order), each table's steps as its {@link LateWork} lists them
     * @param lateRepeats     that grouped catch-up must be repeated to a fixed point
     */
    public record TableWork(TableName table, List<Integer> detachEdges, List<String> detachedColumns,
                            List<String> cacheColumns, List<Integer> selfReferences, List<CatchUpStep> catchUp,
                            List<NullifyStep> catchUpNullifies, List<TableName> catchUpDeletes,
                            List<Integer> deferEdges, boolean catchUpRepeats, boolean fastPath,
                            List<TableName> lateTables, boolean lateRepeats) {
        public TableWork {
            lateTables = List.copyOf(lateTables);
            if (!new java.util.HashSet<>(lateTables).equals(new java.util.HashSet<>(catchUpDeletes))) {
                throw new IllegalArgumentException(table + ": the late tables are the finished tables below");
            }
            Objects.requireNonNull(table, "table");
            detachEdges = List.copyOf(detachEdges);
            detachedColumns = List.copyOf(detachedColumns);
            cacheColumns = List.copyOf(cacheColumns);
            selfReferences = List.copyOf(selfReferences);
            catchUp = List.copyOf(catchUp);
            catchUpNullifies = List.copyOf(catchUpNullifies);
            catchUpDeletes = List.copyOf(catchUpDeletes);
            deferEdges = List.copyOf(deferEdges);
            if (catchUpDeletes.contains(table)) {
                throw new IllegalArgumentException(table + ": a table is not finished below itself");
            }
            if (fastPath && (catchUp.isEmpty() || !catchUpNullifies.isEmpty() || !detachEdges.isEmpty()
                    || catchUpRepeats || !deferEdges.isEmpty())) {
                throw new IllegalArgumentException(table + ": the fast path needs a plain catch-up");
            }
        }
    }

    /**
     * What is done with the late rows of a finished table {@code table} (rows inserted since its deletes finished,
     * caught up through a table above it, after that table's watermark): the catch-up statements from them
     * ({@code catchUpEdges}: self-references first, then by edge id), the SET NULL records of the edges from it
     * ({@code nullifyEdges}), and (separately, once the catch-up is complete) their delete.
     */
    public record LateWork(TableName table, List<Integer> catchUpEdges, List<Integer> nullifyEdges) {
        public LateWork {
            Objects.requireNonNull(table, "table");
            catchUpEdges = List.copyOf(catchUpEdges);
            nullifyEdges = List.copyOf(nullifyEdges);
        }
    }

    /**
     * A unit of the cache phase: one edge, or all edges of a cycle group repeated until no new rows appear
     * ({@code fixpoint}); {@code tree}: the children-first table of the group, renumbered deepest first once cached.
     */
    public record CacheUnit(List<Integer> edgeIds, boolean fixpoint, int cycleGroup, Optional<TableName> tree) {
        public CacheUnit {
            edgeIds = List.copyOf(edgeIds);
            Objects.requireNonNull(tree, "tree");
            if (edgeIds.isEmpty() || (!fixpoint && edgeIds.size() > 1)) {
                throw new IllegalArgumentException("a cache unit is one edge, or a cycle group's edges");
            }
        }
    }

    /**
     * One statement of a deferred unit over a foreign key: {@code parentOrdinal} > 0 when the parent rows are those of
     * the set (a unit table), 0 for the caught-up rows of a finished table below; {@code childOrdinal} > 0 when the
     * rows found join the set.
     */
    public record UnitStep(int edgeId, TableName parent, TableName child, int parentOrdinal, int childOrdinal) {
        public UnitStep {
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(child, "child");
        }
    }

    /** A SET NULL edge ({@code edgeId}) or a cycle-breaking one whose parent is a unit table or one below it. */
    public record UnitEdge(int edgeId, TableName parent, int parentOrdinal) {
        public UnitEdge {
            Objects.requireNonNull(parent, "parent");
        }
    }

    /**
     * A deferred unit (see {@link PurgeTable#deferredUnit}).
     *
     * @param tables         its tables in delete order; a table's ordinal is its position + 1
     * @param catchUp        catch-up statements from the set and from finished tables below, top down
     * @param expansions     in-unit edges (deferred or ordinary, not detached): cached rows referencing the set join it
     * @param nullifies      SET NULL edges from the unit's tables and the finished tables below
     * @param catchUpDeletes finished tables below the unit whose caught-up rows are deleted first, in delete order
     * @param detaches       cycle-breaking edges from the unit's tables
     * @param deferEdges     the unit's deferred edges, in edge order
     * @param deleteDeferEdges those and the ones of other units whose caught-up rows a batch deletes first
     * @param lateTables     the finished tables below, top down: the grouped form of the catch-up from them (see
     *                       {@link TableWork#lateTables})
     */
    public record DeferredUnit(int id, List<TableName> tables, List<UnitStep> catchUp, List<UnitStep> expansions,
                               List<UnitEdge> nullifies, List<TableName> catchUpDeletes, List<UnitEdge> detaches,
                               List<Integer> deferEdges, List<Integer> deleteDeferEdges, List<TableName> lateTables) {
        public DeferredUnit {
            lateTables = List.copyOf(lateTables);
            tables = List.copyOf(tables);
            catchUp = List.copyOf(catchUp);
            expansions = List.copyOf(expansions);
            nullifies = List.copyOf(nullifies);
            catchUpDeletes = List.copyOf(catchUpDeletes);
            detaches = List.copyOf(detaches);
            deferEdges = List.copyOf(deferEdges);
            deleteDeferEdges = List.copyOf(deleteDeferEdges);
            if (id < 1 || tables.isEmpty()) {
                throw new IllegalArgumentException("deferred unit " + id + ": 1-based, with at least one table");
            }
        }

        /** 1-based position of a table in the unit, 0 when it is not in it. */
        public int ordinal(TableName table) {
            return tables.indexOf(table) + 1;
        }
    }

    /**
     * Columns rollback re-attaches from the backup of {@code child}: those of a cycle-breaking edge
     * ({@code breaksCycle}), or the nullable columns of a SET NULL edge.
     */
    public record Reattach(int edgeId, TableName child, List<String> columns, boolean breaksCycle) {
        public Reattach {
            Objects.requireNonNull(child, "child");
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("edge " + edgeId + ": nothing to re-attach");
            }
        }
    }

    /** A foreign key of the plan, by child table and constraint name. */
    public record KnownForeignKey(TableName child, String name) {
        public KnownForeignKey {
            Objects.requireNonNull(child, "child");
            Objects.requireNonNull(name, "name");
        }
    }

    /** The analysis of a plan. */
    public static PurgeAnalysis of(PurgePlan plan) {
        return new Analyzer(plan).analyze();
    }

    /** Edges whose parent delete changes child rows by itself: ON DELETE CASCADE, SET NULL, SET DEFAULT. */
    public static Set<Integer> resettingEdges(PurgePlan plan) {
        Set<OnDelete> resets = Set.of(OnDelete.CASCADE, OnDelete.SET_NULL, OnDelete.SET_DEFAULT);
        TreeSet<Integer> ids = new TreeSet<>();
        plan.edges().stream().filter(e -> e.foreignKey().map(ForeignKey::onDelete).filter(resets::contains).isPresent())
                .forEach(e -> ids.add(e.id()));
        return ids;
    }

    /** The unqualified backup table an edge's rows are kept in: the child's for DELETE, its record for SET NULL. */
    public static Optional<String> backupTable(PurgePlan plan, Edge e) {
        return switch (e.strategy()) {
            case DELETE -> Optional.of(plan.table(e.child()).orElseThrow().backupTable());
            case SET_NULL -> plan.nullified().stream().filter(n -> n.edge().id() == e.id()).findFirst()
                    .map(NullifiedEdge::backupTable);
            case SKIP -> Optional.empty();
        };
    }

    private static final class Analyzer {
        private final PurgePlan plan;
        private final Map<TableName, PurgeTable> byName = new HashMap<>();
        private final Map<TableName, Integer> position = new HashMap<>();
        // Followed edges (the root's aside) in edge order, once, and by parent table in the same order: every table's
        // analysis walks the edges below it, and scanning all of them for each step made the generation of a
        // 1,000-table plan take 20 s (docs/benchmark.md#wide).
        private final List<Edge> followed;
        private final Map<TableName, List<Edge>> followedFrom = new HashMap<>();
        private final Map<TableName, List<CatchUpStep>> lateSteps = new HashMap<>();

        Analyzer(PurgePlan plan) {
            this.plan = plan;
            for (int i = 0; i < plan.tables().size(); i++) {
                PurgeTable t = plan.tables().get(i);
                byName.put(t.name(), t);
                position.put(t.name(), i);
            }
            this.followed = plan.followedEdges().stream().filter(e -> !e.root()).toList();
            for (Edge e : followed) {
                followedFrom.computeIfAbsent(e.parent(), k -> new ArrayList<>()).add(e);
            }
        }

        PurgeAnalysis analyze() {
            List<TableWork> tables = plan.tables().stream().map(this::work).toList();
            List<DeferredUnit> units = plan.tables().stream().mapToInt(PurgeTable::deferredUnit).filter(u -> u > 0)
                    .distinct().sorted().mapToObj(this::unit).toList();
            List<KnownForeignKey> known = plan.edges().stream().filter(e -> !e.root())
                    .map(e -> e.foreignKey().orElseThrow())
                    .filter(fk -> !fk.logical()) // no constraint in the catalog (docs/design.md#logical-references)
                    .map(fk -> new KnownForeignKey(fk.declaringTable(), fk.name())).distinct().toList();
            Set<TableName> finished = new java.util.HashSet<>();
            tables.forEach(w -> finished.addAll(w.catchUpDeletes()));
            units.forEach(u -> finished.addAll(u.catchUpDeletes()));
            List<LateWork> late = plan.tables().stream().map(PurgeTable::name).filter(finished::contains)
                    .map(this::late).toList();
            return new PurgeAnalysis(tables, cacheUnits(), units, reattaches(), known, late);
        }

        private LateWork late(TableName table) {
            return new LateWork(table, lateSteps(table).stream().map(CatchUpStep::edgeId).toList(),
                    plan.nullified().stream().filter(n -> n.foreignKey().parent().equals(table))
                            .map(n -> n.edge().id()).toList());
        }

        /** The catch-up steps from the late rows of a finished table: self-references first, then by edge id. */
        private List<CatchUpStep> lateSteps(TableName table) {
            return lateSteps.computeIfAbsent(table, this::lateStepsOf);
        }

        private List<CatchUpStep> lateStepsOf(TableName table) {
            return followedFrom.getOrDefault(table, List.of()).stream()
                    .sorted(Comparator.comparing((Edge e) -> e.child().equals(e.parent()) ? 0 : 1)
                            .thenComparingInt(Edge::id))
                    .map(e -> new CatchUpStep(e.id(), e.parent(), e.child(), false, false))
                    .toList();
        }

        /** Finished tables in catch-up order: descending cache rank, then delete order. */
        private List<TableName> topDown(List<TableName> below) {
            return below.stream().sorted(Comparator.comparing((TableName n) -> rank(n), Comparator.reverseOrder())
                    .thenComparing(position::get)).toList();
        }

        private PurgeTable table(TableName name) {
            PurgeTable t = byName.get(name);
            if (t == null) {
                throw new IllegalArgumentException(name + " is not a closure table");
            }
            return t;
        }

        private int rank(TableName name) {
            return table(name).cacheRank();
        }

        private Stream<Edge> followed() {
            return followed.stream();
        }

        private TableWork work(PurgeTable t) {
            List<Integer> detaches = plan.followedEdges().stream()
                    .filter(e -> e.breaksCycle() && e.parent().equals(t.name())).map(Edge::id).toList();
            List<TableName> below = finishedBelow(List.of(t));
            Set<TableName> sources = new LinkedHashSet<>();
            sources.add(t.name());
            below.forEach(sources::add);
            List<CatchUpStep> catchUp = followed().filter(e -> sources.contains(e.parent()))
                    .sorted(Comparator.comparing((Edge e) -> rank(e.parent()), Comparator.reverseOrder())
                            .thenComparing(e -> e.parent().equals(t.name()) ? 0 : 1)
                            .thenComparing(e -> e.child().equals(e.parent()) ? 0 : 1)
                            .thenComparingInt(Edge::id))
                    .map(e -> new CatchUpStep(e.id(), e.parent(), e.child(), e.parent().equals(t.name()),
                            t.childrenFirst() && e.foreignKey().orElseThrow().selfReference()))
                    .toList();
            List<NullifyStep> nullifies = plan.nullified().stream()
                    .filter(n -> sources.contains(n.foreignKey().parent()))
                    .map(n -> new NullifyStep(n.edge().id(), n.foreignKey().parent(),
                            n.foreignKey().parent().equals(t.name())))
                    .toList();
            Set<Integer> belowUnits = new TreeSet<>();
            below.stream().map(this::table).mapToInt(PurgeTable::deferredUnit).filter(u -> u > 0)
                    .forEach(belowUnits::add);
            List<Integer> defer = deferEdges(belowUnits);
            boolean repeats = repeats(catchUp);
            List<Integer> selfReferences = followed()
                    .filter(e -> e.parent().equals(t.name()) && e.child().equals(t.name())).map(Edge::id).toList();
            List<TableName> lateTables = topDown(below);
            List<CatchUpStep> grouped = new ArrayList<>(catchUp.stream().filter(CatchUpStep::fromBatch).toList());
            lateTables.forEach(n -> grouped.addAll(lateSteps(n)));
            return new TableWork(t.name(), detaches, detachedColumns(t), cacheColumns(t), selfReferences, catchUp,
                    nullifies, below, defer, repeats,
                    fastPath(t, catchUp, nullifies, detaches, repeats, defer), lateTables, repeats(grouped));
        }

        /**
         * Whether the catch-up statements must be repeated to a fixed point: some step reads rows caught up by itself
         * or by a later step (a self-reference or a cycle among the finished tables), which one round cannot see.
         * Steps that read the batch are left out: late rows of the table itself are detached and deleted in later
         * batches.
         */
        private static boolean repeats(List<CatchUpStep> catchUp) {
            Set<TableName> written = new java.util.HashSet<>();
            for (int i = catchUp.size() - 1; i >= 0; i--) {
                CatchUpStep s = catchUp.get(i);
                written.add(s.child());
                if (!s.fromBatch() && written.contains(s.parent())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether a delete batch of {@code table} may skip the lock and the catch-up and try the delete first, taking
         * the careful path (lock, catch-up, delete: the code every other table runs) only when that delete fails with
         * a foreign key violation, inside a block whose failure rolls back that delete alone.
         *
         * <p>Safe when every foreign key into the table (from closure tables, excluded ones and SET NULL children
         * alike) is a declared (not a logical reference: nothing would fail), NOT DEFERRABLE constraint, ON DELETE NO ACTION or RESTRICT, and not a self-reference:
         * then the database checks at the end of the DELETE statement that no row anywhere still references a deleted
         * row, and the DELETE itself changes no other row (no cascade, no SET NULL / SET DEFAULT that would remove or
         * alter a late child without its backup). A child inserted since the cache (a late row) makes the check fail,
         * so nothing is lost: the careful path backs it up and deletes it. A delete that succeeds deletes exactly the
         * batch; the careful path would have found nothing to catch up from it (its first steps read the rows
         * referencing the batch: none; the others read only rows those steps catch up).
         *
         * <p>Concurrency (READ COMMITTED): an application transaction inserting a child takes a key-share lock on the
         * parent row for its foreign key check; the DELETE waits for it (within the lock timeout, else a retry), and
         * the check, run with a fresh snapshot, sees the committed child: careful path. A child inserted after the
         * DELETE locked its rows waits for this transaction and fails when it commits, the parent being gone: the
         * same as with the careful path's FOR UPDATE lock.
         *
         * <p>Kept on the careful path: tables with nothing to catch up (it is the plain delete already), SET NULL
         * children to record, cycle-breaking detaches, trees deleted children first, catch-ups repeated to a fixed
         * point, self-references and cycles, deferred units and deferred constraints.
         */
        private boolean fastPath(PurgeTable table, List<CatchUpStep> catchUp, List<NullifyStep> nullifies,
                                 List<Integer> detaches, boolean repeats, List<Integer> defer) {
            if (catchUp.isEmpty() || !nullifies.isEmpty() || !detaches.isEmpty() || table.childrenFirst() || repeats
                    || !defer.isEmpty() || table.cycleGroup() > 0 || table.deferredUnit() > 0) {
                return false;
            }
            if (catchUp.stream().anyMatch(s -> s.selfLoop() || s.child().equals(s.parent()))) {
                return false;
            }
            return plan.edges().stream()
                    .filter(e -> !e.root() && e.parent().equals(table.name()))
                    .map(e -> e.foreignKey().orElseThrow())
                    .allMatch(fk -> !fk.logical() && !fk.selfReference() && !fk.deferrable() && !fk.initiallyDeferred()
                            && (fk.onDelete() == OnDelete.NO_ACTION || fk.onDelete() == OnDelete.RESTRICT));
        }

        /** Deferred edges of the given deferred units, in edge order. */
        private List<Integer> deferEdges(Set<Integer> units) {
            return plan.followedEdges().stream().filter(Edge::deferred)
                    .filter(e -> units.contains(table(e.child()).deferredUnit()))
                    .map(Edge::id).toList();
        }

        /**
         * Tables whose deletes finished before the first of {@code tables} started (earlier in delete order) and that
         * their rows reach through followed edges, passing only through such finished tables: rows inserted into them
         * since the cache, pointing at a batch, must be caught up before the batch is deleted. In delete order.
         */
        private List<TableName> finishedBelow(List<PurgeTable> tables) {
            int first = position.get(tables.get(0).name());
            Set<TableName> seen = new LinkedHashSet<>();
            ArrayDeque<TableName> queue = new ArrayDeque<>(tables.stream().map(PurgeTable::name).toList());
            while (!queue.isEmpty()) {
                TableName from = queue.poll();
                for (Edge e : followedFrom.getOrDefault(from, List.of())) {
                    // A table purged by row identity has no late rows to delete: the catch-up from the batch
                    // deletes them as it backs them up (docs/design.md#tables-without-a-key), and it is a leaf.
                    if (position.get(e.child()) < first && !table(e.child()).rowIdentity()
                            && seen.add(e.child())) {
                        queue.add(e.child());
                    }
                }
            }
            return plan.tables().stream().map(PurgeTable::name).filter(seen::contains).toList();
        }

        /** Columns of a table that cycle-breaking edges detach, and the nullable ones SET NULL edges reset. */
        private List<String> detachedColumns(PurgeTable table) {
            Stream<String> breaking = plan.followedEdges().stream()
                    .filter(e -> e.breaksCycle() && e.child().equals(table.name()))
                    .flatMap(e -> e.foreignKey().orElseThrow().childColumns().stream());
            // Closure rows of a SET NULL child come back with those columns null (their parent may not be back
            // yet); the SET NULL restore at the end puts the values back. NOT NULL columns keep their values.
            Stream<String> nulled = plan.nullified().stream()
                    .filter(n -> n.foreignKey().child().equals(table.name()))
                    .flatMap(n -> n.foreignKey().childColumns().stream())
                    .filter(c -> table.table().column(c).map(col -> col.nullable()).orElse(false));
            return Stream.concat(breaking, nulled).distinct().toList();
        }

        /** The columns a table's backup keeps, in table order. */
        private List<String> cacheColumns(PurgeTable t) {
            // A table purged by row identity is restored and verified by its whole rows.
            if (plan.job().backup() || t.rowIdentity()) {
                return t.columns().stream().map(c -> c.name()).toList();
            }
            // Without a backup the cache holds only what deletes and child lookups need.
            Set<String> kept = new LinkedHashSet<>(t.key().columns());
            followed().filter(e -> e.parent().equals(t.name()))
                    .forEach(e -> kept.addAll(e.foreignKey().orElseThrow().parentColumns()));
            // A partition condition may name any of the parent's columns (docs/design.md#partitions): keep them all.
            plan.edges().stream().filter(e -> !e.root() && e.parent().equals(t.name()))
                    .filter(e -> e.foreignKey().orElseThrow().parentCondition().isPresent())
                    .forEach(e -> t.columns().forEach(c -> kept.add(c.name())));
            followed().filter(Edge::breaksCycle).filter(e -> e.child().equals(t.name()))
                    .forEach(e -> kept.addAll(e.foreignKey().orElseThrow().childColumns()));
            return t.columns().stream().map(c -> c.name()).filter(kept::contains).toList();
        }

        /**
         * A deferred unit: its tables in delete order, the statements that grow a batch into the set of rows deleted
         * together (catch-up and expansion, repeated to a fixed point), what goes first (SET NULL records, caught-up
         * rows of finished tables below, detaches) and the constraints deferred meanwhile.
         */
        private DeferredUnit unit(int id) {
            List<PurgeTable> members = plan.tables().stream().filter(t -> t.deferredUnit() == id).toList();
            List<TableName> names = members.stream().map(PurgeTable::name).toList();
            List<TableName> below = finishedBelow(members);
            Set<TableName> sources = new LinkedHashSet<>(names);
            sources.addAll(below);
            List<UnitStep> catchUp = followed().filter(e -> sources.contains(e.parent()))
                    .sorted(Comparator.comparing((Edge e) -> names.contains(e.parent()) ? 0 : 1)
                            .thenComparing(e -> rank(e.parent()), Comparator.reverseOrder())
                            .thenComparingInt(Edge::id))
                    .map(e -> new UnitStep(e.id(), e.parent(), e.child(), names.indexOf(e.parent()) + 1,
                            names.indexOf(e.child()) + 1))
                    .toList();
            List<UnitStep> expansions = followed()
                    .filter(e -> !e.breaksCycle() && names.contains(e.parent()) && names.contains(e.child()))
                    .map(e -> new UnitStep(e.id(), e.parent(), e.child(), names.indexOf(e.parent()) + 1,
                            names.indexOf(e.child()) + 1))
                    .toList();
            List<UnitEdge> nullifies = plan.nullified().stream()
                    .filter(n -> sources.contains(n.foreignKey().parent()))
                    .map(n -> new UnitEdge(n.edge().id(), n.foreignKey().parent(),
                            names.indexOf(n.foreignKey().parent()) + 1))
                    .toList();
            List<UnitEdge> detaches = plan.followedEdges().stream()
                    .filter(e -> e.breaksCycle() && names.contains(e.parent()))
                    .map(e -> new UnitEdge(e.id(), e.parent(), names.indexOf(e.parent()) + 1))
                    .toList();
            Set<Integer> deleted = new TreeSet<>(Set.of(id));
            below.stream().map(this::table).mapToInt(PurgeTable::deferredUnit).filter(u -> u > 0).forEach(deleted::add);
            return new DeferredUnit(id, names, catchUp, expansions, nullifies, below, detaches,
                    deferEdges(Set.of(id)), deferEdges(deleted), topDown(below));
        }

        /**
         * Cache order: root first, then by descending cache rank of the child table, so a table's rows are
         * complete before its children are looked up; at one rank, edges into a cycle come before the edges
         * inside it, which are gathered into one unit repeated until no new rows appear.
         */
        private List<CacheUnit> cacheUnits() {
            List<Edge> ordered = plan.followedEdges().stream()
                    .sorted(Comparator.comparingInt((Edge e) -> e.root() ? 0 : 1)
                            .thenComparing(Comparator.comparingInt((Edge e) -> rank(e.child())).reversed())
                            .thenComparingInt(e -> e.cycleGroup() > 0 ? 1 : 0)
                            .thenComparingInt(Edge::cycleGroup)
                            .thenComparingInt(Edge::id))
                    .toList();
            List<CacheUnit> units = new ArrayList<>();
            for (Edge e : ordered) {
                CacheUnit last = units.isEmpty() ? null : units.get(units.size() - 1);
                if (e.cycleGroup() > 0 && last != null && last.fixpoint() && last.cycleGroup() == e.cycleGroup()) {
                    List<Integer> steps = new ArrayList<>(last.edgeIds());
                    steps.add(e.id());
                    units.set(units.size() - 1, new CacheUnit(steps, true, e.cycleGroup(), last.tree()));
                } else {
                    PurgeTable child = table(e.child());
                    Optional<TableName> tree = e.cycleGroup() > 0 && child.childrenFirst()
                            ? Optional.of(child.name()) : Optional.empty();
                    units.add(new CacheUnit(List.of(e.id()), e.cycleGroup() > 0, e.cycleGroup(), tree));
                }
            }
            return units;
        }

        /**
         * What rollback re-attaches from the closure backups once every table is back: cycle-breaking columns, and
         * the nullable SET NULL columns of closure rows (inserted as null because their parent may come later).
         */
        private List<Reattach> reattaches() {
            List<Reattach> result = new ArrayList<>(plan.followedEdges().stream().filter(Edge::breaksCycle)
                    .map(e -> new Reattach(e.id(), e.child(), e.foreignKey().orElseThrow().childColumns(), true))
                    .toList());
            for (NullifiedEdge n : plan.nullified()) {
                PurgeTable child = byName.get(n.foreignKey().child());
                if (child == null) {
                    continue;
                }
                List<String> cols = n.foreignKey().childColumns().stream()
                        .filter(c -> child.table().column(c).map(col -> col.nullable()).orElse(false)).toList();
                if (!cols.isEmpty()) {
                    result.add(new Reattach(n.edge().id(), child.name(), cols, false));
                }
            }
            return result;
        }
    }
}
