package io.declutter.plan;

import io.declutter.model.Catalog;
import io.declutter.model.DeleteTrigger;
import io.declutter.model.Edge;
import io.declutter.model.EdgeOverride;
import io.declutter.model.Finding.Kind;
import io.declutter.model.Finding.Severity;
import io.declutter.model.Finding;
import io.declutter.model.ForeignKey;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.model.NullifiedEdge;
import io.declutter.model.OnDelete;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import io.declutter.model.Table;
import io.declutter.model.TableName;
import io.declutter.model.Trigger;
import io.declutter.model.TriggerWrites;
import io.declutter.model.UniqueKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the purge plan of a job: the closure of the FK graph from the root table (breadth first, in a
 * deterministic order), its cycles, the height of every table, the control rows and the pre-flight findings.
 */
public final class PlanBuilder {

    /**
     * Columns every backup table adds to the columns of its table (see the backup_table template), and the depth a
     * tree's backup rows are renumbered by (step template): a table column of one of these names would clash.
     */
    public static final List<String> BOOKKEEPING_COLUMNS = List.of("declutter_run", "declutter_seq", "declutter_depth");

    private final Catalog catalog;
    private final Job job;
    private final Naming naming;
    private final int maxIdentifierBytes;

    private final Map<TableName, Integer> depth = new LinkedHashMap<>();
    private final Map<TableName, Integer> primaryEdge = new HashMap<>();
    private final List<EdgeDraft> drafts = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Set<EdgeOverride> usedOverrides = new java.util.HashSet<>();

    /** The plan, once built: {@link #build()} walks the catalog into the fields above only the first time. */
    private PurgePlan plan;

    private record EdgeDraft(int id, ForeignKey fk, Strategy strategy) {
    }

    /** Edges whose child rows a duplicate job re-points to the kept row (docs/design.md#re-pointing). */
    private final Set<Integer> repointed = new java.util.TreeSet<>();

    /** A planner for names spelled as written, generated names fitted to {@code maxIdentifierBytes}. */
    public PlanBuilder(Catalog catalog, Job job, int maxIdentifierBytes) {
        this(catalog, job, Naming.neutral(maxIdentifierBytes));
    }

    /** A planner applying a dialect's naming rules: the job's table names resolve, and generated names are spelled, its way. */
    public PlanBuilder(Catalog catalog, Job job, Naming naming) {
        this.job = RootResolution.resolve(catalog, naming.resolve(job, catalog));
        this.catalog = LogicalReferences.apply(catalog, this.job);
        this.naming = naming;
        this.maxIdentifierBytes = naming.maxIdentifierBytes();
    }

    /** The plan of the job; calling it again returns the same plan. */
    public PurgePlan build() {
        if (plan == null) {
            plan = buildOnce();
        }
        return plan;
    }

    private PurgePlan buildOnce() {
        requireKnownTables();
        walkClosure();
        requireKeptDuplicatesStay();
        requireUsedOverrides();
        reportLogicalReferences();
        // Only a NO ACTION check waits for the deferral: RESTRICT and CASCADE act when the parent row goes, whatever
        // the constraint's mode, so such keys cannot break a cycle by being deferred.
        Cycles cycles = Cycles.of(closureEdges(), depth.keySet(), this::nullable,
                fk -> fk.deferrable() && fk.onDelete() == OnDelete.NO_ACTION);
        findings.addAll(cycles.findings());
        // Deferred edges impose no order inside their unit, but the unit as a whole waits for every table below it:
        // heights are taken with them in place (the unit is one node of the condensation), and the order inside the
        // unit without them.
        Set<ForeignKey> detached = new java.util.HashSet<>(cycles.breaking());
        detached.removeAll(cycles.deferred());
        Map<TableName, Integer> height = Heights.of(depth.keySet(), closureEdges(), detached);
        Map<TableName, Integer> inUnit = Heights.of(depth.keySet(), closureEdges(), cycles.breaking());
        Map<TableName, Integer> cacheRank = Heights.of(depth.keySet(), closureEdges(), Set.of());
        Map<TableName, String> backupNames = BackupNames.assign(job.name(), depth.keySet(), maxIdentifierBytes);

        List<Edge> edges = new ArrayList<>();
        edges.add(new Edge(1, Optional.empty(), Optional.empty(), job.root(), job.root(), Strategy.DELETE,
                0, height.get(job.root()), cycles.group(job.root()), false, true));
        for (EdgeDraft d : drafts) {
            TableName child = d.fk().child();
            boolean followed = d.strategy() == Strategy.DELETE;
            edges.add(new Edge(d.id(), Optional.of(primaryEdge.get(d.fk().parent())), Optional.of(d.fk()),
                    d.fk().parent(), child, d.strategy(), depth.get(d.fk().parent()) + 1,
                    followed ? height.get(child) : d.strategy() == Strategy.SET_NULL ? height.get(d.fk().parent()) : 0,
                    followed ? cycles.edgeGroup(d.fk()) : 0,
                    followed && cycles.breaking().contains(d.fk()) && !cycles.deferred().contains(d.fk()),
                    followed && primaryEdge.get(child) == d.id(),
                    followed && cycles.deferred().contains(d.fk())));
        }

        List<NullifiedEdge> nullified = nullified(edges);
        Map<String, String> spelled = spelled(backupNames, nullified);
        List<PurgeTable> tables = depth.keySet().stream()
                .map(t -> purgeTable(catalog.table(t).orElseThrow(), height.get(t), cacheRank.get(t), cycles.group(t),
                        spelled.get(backupNames.get(t)), cycles.childrenFirst().contains(t), cycles.unit(t), cycles))
                .sorted(Comparator.comparingInt(PurgeTable::height).thenComparingInt(PurgeTable::deferredUnit)
                        .thenComparingInt(t -> t.deferredUnit() == 0 ? 0 : inUnit.get(t.name()))
                        .thenComparing(PurgeTable::name))
                .toList();
        addTableFindings(tables);
        findings.addAll(RunHazards.of(job, tables, nullified));
        requireKnownTriggers(tables);
        List<NullifiedEdge> spelledNullified = nullified.stream().map(n -> new NullifiedEdge(n.edge(),
                n.foreignKey(), n.child(), n.key(), spelled.get(n.backupTable()), n.repoint())).toList();
        addTriggerFindings(new PurgePlan(job, edges, tables, spelledNullified, List.of()).deleteTriggers());
        return new PurgePlan(job, edges, tables, spelledNullified, findings.stream()
                .sorted(Comparator.comparing(Finding::severity).reversed()
                        .thenComparing(Finding::kind).thenComparing(Finding::subject))
                .toList());
    }

    /**
     * Every name in 'triggers.disable' is a trigger (or rule) on a purged table that fires on DELETE, found once: a
     * misspelt name would leave the trigger firing, unnoticed.
     */
    private void requireKnownTriggers(List<PurgeTable> tables) {
        for (String name : job.disabledTriggers()) {
            List<String> matches = new ArrayList<>();
            List<String> silent = new ArrayList<>();
            for (PurgeTable t : tables) {
                for (Trigger tr : t.table().triggers()) {
                    if (name.equals(tr.name()) || name.equals(t.name().display() + "." + tr.name())) {
                        (tr.firesOnDelete() ? matches : silent).add(t.name().display() + "." + tr.name());
                    }
                }
            }
            if (matches.size() == 1) {
                continue;
            }
            List<String> known = tables.stream().flatMap(t -> t.table().triggers().stream()
                    .filter(Trigger::firesOnDelete).map(tr -> t.name().display() + "." + tr.name())).sorted().toList();
            String listed = known.isEmpty() ? "no purged table has an enabled trigger that fires on DELETE"
                    : "the triggers on purged tables that fire on DELETE are " + String.join(", ", known);
            if (matches.size() > 1) {
                throw new InvalidJobException("job " + job.name() + ": 'triggers.disable' names " + name + ", a"
                        + " trigger of several purged tables (" + String.join(", ", matches.stream().sorted().toList())
                        + "): write the one"
                        + " meant as schema.table.trigger");
            }
            throw new InvalidJobException("job " + job.name() + ": 'triggers.disable' names " + name + ", "
                    + (silent.isEmpty() ? "which is not a trigger on a table this job purges"
                    : "a trigger of " + String.join(", ", silent) + " that does not fire on DELETE (or is disabled)")
                    + "; " + listed + ". Fix the name, or remove it from the job file.");
        }
    }

    /**
     * A trigger the deletes fire that writes outside the closure (or may: its body could not be read) changes rows
     * the run neither backs up nor can restore (docs/design.md#triggers): a warning with the choices, unless the job
     * disables it.
     */
    private void addTriggerFindings(List<DeleteTrigger> triggers) {
        for (DeleteTrigger d : triggers) {
            if (d.disabled()) {
                findings.add(new Finding(Severity.INFO, Kind.TRIGGER, d.display(), "trigger " + d.display() + " is"
                        + " disabled by the job around each delete batch, inside the batch's transaction (ALTER TABLE "
                        + d.table() + " DISABLE " + (d.trigger().rule() ? "RULE" : "TRIGGER") + " " + d.trigger().name()
                        + ", re-enabled before it commits): each batch holds a SHARE ROW EXCLUSIVE lock on " + d.table()
                        + " (the application's inserts, updates and deletes of it wait; reads do not), and the role"
                        + " running the purge must own " + d.table() + ". The application's own deletes meanwhile"
                        + " still fire it."));
                continue;
            }
            if (!d.writesOutside()) {
                continue;
            }
            TriggerWrites w = d.trigger().writes();
            String what = (d.outside().isEmpty() ? "" : "writes " + String.join(", ", d.outside().stream()
                    .map(TableName::display).toList()) + " (outside the closure)")
                    + (w.known() ? "" : (d.outside().isEmpty() ? "may write any table" : ", and may write more")
                    + ": " + w.unknown().get());
            findings.add(new Finding(Severity.WARNING, Kind.TRIGGER_WRITES, d.display(), "trigger " + d.display()
                    + " fires on every purged row and " + what + ". Those rows are not backed up, and rollback"
                    + " cannot restore them. Either disable it for the run's deletes with \"triggers: {disable: ["
                    + d.trigger().name() + "]}\" in the job file (each delete batch then locks " + d.table()
                    + " SHARE ROW EXCLUSIVE, and the role must own it), or keep it: the run then counts the rows of "
                    + (d.outside().isEmpty() ? "the tables it is known to write" : String.join(", ", d.outside()
                    .stream().map(TableName::display).toList())) + " before its first delete and at its end, and"
                    + " verify and rollback report the difference."));
        }
    }

    /**
     * The backup-table names (of closure tables and of SET NULL records) spelled the dialect's way, by their neutral
     * names. When the spelling makes two names equal (a table literally named like another's hashed name), every name
     * stays neutral: those are unique, and each relation a job creates must have a name of its own.
     */
    private Map<String, String> spelled(Map<TableName, String> backupNames, List<NullifiedEdge> nullified) {
        String prefix = "bk_" + job.name() + "_";
        Map<String, String> spelled = new HashMap<>();
        List<String> neutral = new ArrayList<>();
        backupNames.forEach((t, name) -> {
            neutral.add(name);
            spelled.put(name, naming.backupTable(name, prefix, t.schema() + t.name()));
        });
        for (NullifiedEdge n : nullified) {
            neutral.add(n.backupTable());
            spelled.put(n.backupTable(), naming.backupTable(n.backupTable(), prefix,
                    n.foreignKey().child().name() + n.foreignKey().name()));
        }
        Set<String> used = new java.util.HashSet<>();
        if (neutral.stream().allMatch(name -> used.add(spelled.get(name)))) {
            return spelled;
        }
        Map<String, String> unchanged = new HashMap<>();
        neutral.forEach(name -> unchanged.put(name, name));
        return unchanged;
    }

    /** SET NULL / SET DEFAULT edges with the key their child rows are recorded by. */
    private List<NullifiedEdge> nullified(List<Edge> edges) {
        List<NullifiedEdge> result = new ArrayList<>();
        for (Edge e : edges) {
            if (e.strategy() != Strategy.SET_NULL) {
                continue;
            }
            ForeignKey fk = e.foreignKey().orElseThrow();
            Table child = catalog.table(fk.child()).orElseThrow();
            Optional<UniqueKey> key = child.primaryKey().or(() -> notNullUniqueKey(child));
            if (key.isEmpty()) {
                findings.add(new Finding(Severity.ERROR, Kind.NO_KEY, fk.name(), fk.display() + " is ON DELETE "
                        + fk.onDelete().sql() + ", but " + fk.child() + " has no primary key and no unique key on NOT"
                        + " NULL columns, so the values the database resets cannot be recorded for rollback. Add a"
                        + " primary key to " + fk.child() + ", or exclude it from the job."));
                continue;
            }
            String name = BackupNames.fit("bk_" + job.name() + "_" + fk.child().name() + "_" + fk.name(),
                    maxIdentifierBytes);
            result.add(new NullifiedEdge(e, fk, child, key.get(), name, repointed.contains(e.id())));
        }
        return result;
    }

    /**
     * The duplicates' closure must not reach the root table again: a row of it referencing a duplicate would be
     * purged with it, and could be the kept row of another group (docs/design.md#duplicate-roots).
     */
    private void requireKeptDuplicatesStay() {
        if (!(job.rows() instanceof io.declutter.model.RootRows.DuplicatesOf)) {
            return;
        }
        drafts.stream().filter(d -> d.strategy() == Strategy.DELETE && d.fk().child().equals(job.root())).findFirst()
                .ifPresent(d -> {
                    throw new InvalidJobException("job " + job.name() + ": the rows referencing a duplicate include"
                            + " rows of " + job.root() + " itself (through " + d.fk().name() + ", " + d.fk().display()
                            + "), so purging a duplicate could purge the row kept for another key. Duplicates are"
                            + " purged only from a table their closure does not reach again.");
                });
    }

    private void requireKnownTables() {
        if (catalog.table(job.root()).isEmpty()) {
            throw new InvalidJobException("job " + job.name() + ": root table " + job.root() + " does not exist"
                    + hint(job.root()) + ". Check 'root.table' in the job file (write it as schema.table).");
        }
        for (TableName excluded : job.excludedTables()) {
            if (catalog.table(excluded).isEmpty()) {
                throw new InvalidJobException("job " + job.name() + ": excluded table " + excluded + " does not exist"
                        + hint(excluded) + ". Fix or remove it in 'exclude' of the job file.");
            }
        }
    }

    private String hint(TableName missing) {
        List<String> sameName = catalog.tablesNamed(missing.name()).stream().map(t -> t.name().display()).toList();
        return sameName.isEmpty() ? "" : " (tables with that name: " + String.join(", ", sameName) + ")";
    }

    /** Breadth first from the root; edge ids follow the visiting order, children sorted by name and constraint. */
    private void walkClosure() {
        Deque<TableName> queue = new ArrayDeque<>();
        depth.put(job.root(), 0);
        primaryEdge.put(job.root(), 1);
        queue.add(job.root());
        while (!queue.isEmpty()) {
            TableName parent = queue.poll();
            for (ForeignKey fk : catalog.referencing(parent)) {
                int id = drafts.size() + 2;
                Optional<EdgeOverride> override = job.edgeOverrides().stream().filter(o -> o.matches(fk)).findFirst();
                if (job.excludedTables().contains(fk.child())) {
                    if (override.isPresent()) {
                        throw new InvalidJobException("job " + job.name() + ": edge " + override.get().display()
                                + " is overridden in 'edges', but its table " + fk.child() + " is excluded: remove"
                                + " one of the two from the job file");
                    }
                    drafts.add(new EdgeDraft(id, fk, Strategy.SKIP));
                    reportEdgeIntoExcluded(fk);
                    continue;
                }
                override.ifPresent(o -> usedOverrides.add(o));
                if (override.isPresent() && override.get().strategy() == Strategy.SKIP) {
                    drafts.add(new EdgeDraft(id, fk, Strategy.SKIP));
                    reportSkipped(fk, override.get());
                    continue; // the child rows stay
                }
                if (repoints() && fk.parent().equals(job.root()) && override.isEmpty()) {
                    // children: repoint: the rows stay, re-pointed to the kept row before their parent goes
                    drafts.add(new EdgeDraft(id, fk, Strategy.SET_NULL));
                    repointed.add(id);
                    reportRepoint(fk);
                    continue;
                }
                if ((fk.onDelete() == OnDelete.SET_NULL || fk.onDelete() == OnDelete.SET_DEFAULT) && override.isEmpty()) {
                    drafts.add(new EdgeDraft(id, fk, Strategy.SET_NULL));
                    reportReset(fk);
                    continue; // the child rows stay: the database resets their columns
                }
                override.ifPresent(o -> reportOverride(fk));
                drafts.add(new EdgeDraft(id, fk, Strategy.DELETE));
                if (!depth.containsKey(fk.child())) {
                    depth.put(fk.child(), depth.get(parent) + 1);
                    primaryEdge.put(fk.child(), id);
                    queue.add(fk.child());
                }
            }
        }
    }

    private boolean repoints() {
        return job.rows() instanceof io.declutter.model.RootRows.DuplicatesOf d && d.repoint();
    }

    /**
     * A reference into the table of a duplicate job with {@code children: repoint} (docs/design.md#re-pointing): its
     * rows are re-pointed to the kept row. A unique key of the child that holds re-pointed columns could then hold one
     * value twice (a user and its duplicate both members of one team): the run checks it before it changes anything
     * and refuses with the rows that would collide, so plan warns about every such key.
     */
    private void reportRepoint(ForeignKey fk) {
        Table child = catalog.table(fk.child()).orElseThrow();
        findings.add(new Finding(Severity.INFO, Kind.REPOINT, fk.name(), fk.display() + (fk.logical()
                ? " (logical reference)" : "") + ": the " + fk.child() + " rows that reference a duplicate are"
                + " re-pointed to the kept row of its group before the duplicate is deleted; their old values are"
                + " recorded, and rollback writes them back."));
        for (UniqueKey k : child.keys()) {
            List<String> shared = k.columns().stream().filter(fk.childColumns()::contains).toList();
            if (shared.isEmpty()) {
                continue;
            }
            findings.add(new Finding(Severity.WARNING, Kind.REPOINT, fk.name(), fk.display() + ": re-pointing"
                    + " changes " + String.join(", ", shared) + ", part of the unique key " + k.name() + " ("
                    + String.join(", ", k.columns()) + ") of " + fk.child() + ": two rows could end with the same"
                    + " key (one referencing the kept row, one its duplicate). Before it changes anything, the run"
                    + " counts such rows and refuses with a message naming the key if there is one; merge or delete"
                    + " them first, or purge the children with the duplicates ('children: purge')."));
        }
    }

    /**
     * An edge the job skips ({@code strategy: skip}): its child rows must stay. A NO ACTION or RESTRICT key then blocks
     * the delete of a parent they reference, which the run checks before its first delete; a CASCADE, SET NULL or
     * SET DEFAULT key cannot be skipped, as the database itself would delete or change those rows.
     */
    private void reportSkipped(ForeignKey fk, EdgeOverride o) {
        if (fk.logical() || fk.onDelete() == OnDelete.NO_ACTION || fk.onDelete() == OnDelete.RESTRICT) {
            findings.add(new Finding(Severity.INFO, Kind.OVERRIDDEN_EDGE, fk.name(), fk.display() + " is skipped, as"
                    + " the job says: its " + fk.child() + " rows stay. A row of it that references a purged "
                    + fk.parent() + " row would make that delete fail, so a run refuses before its first delete"
                    + " while one does (delete or re-point such rows first)."));
        } else {
            findings.add(new Finding(Severity.ERROR, Kind.OVERRIDDEN_EDGE, fk.name(), fk.display() + " is ON DELETE "
                    + fk.onDelete().sql() + ": the database itself deletes or changes the " + fk.child() + " rows that"
                    + " reference purged rows, so the edge cannot be skipped (edges: " + o.display() + "). Remove the"
                    + " override (the purge then backs them up), or change the foreign key to NO ACTION."));
        }
    }

    /** What the plan does with each logical reference (docs/design.md#logical-references). */
    private void reportLogicalReferences() {
        for (io.declutter.model.LogicalReference r : job.references()) {
            ForeignKey fk = LogicalReferences.toForeignKey(catalog, r);
            if (!depth.containsKey(fk.parent())) {
                findings.add(new Finding(Severity.WARNING, Kind.LOGICAL_REFERENCE, r.name(), "logical reference "
                        + r.name() + " (" + fk.display() + ") does nothing in this job: " + fk.parent()
                        + " is not in its closure."));
            } else if (r.action() == io.declutter.model.LogicalReference.Action.IGNORE) {
                findings.add(new Finding(Severity.INFO, Kind.LOGICAL_REFERENCE, r.name(), "logical reference "
                        + r.name() + " (" + fk.display() + ") is ignored, as the job says: " + fk.child() + " rows"
                        + " that reference purged " + fk.parent() + " rows stay and reference nothing afterwards."));
            } else if (job.excludedTables().contains(fk.child())) {
                findings.add(new Finding(Severity.WARNING, Kind.LOGICAL_REFERENCE, r.name(), "logical reference "
                        + r.name() + " (" + fk.display() + ") comes from the excluded table " + fk.child() + ": its"
                        + " rows that reference purged rows stay and reference nothing afterwards."));
            } else if (r.action() == io.declutter.model.LogicalReference.Action.SET_NULL) {
                findings.add(new Finding(Severity.INFO, Kind.LOGICAL_REFERENCE, r.name(), "logical reference "
                        + r.name() + " (" + fk.display() + ") is set null, as the job says: the " + fk.child() + " rows"
                        + " that reference purged " + fk.parent() + " rows stay, their " + String.join(", ",
                        fk.childColumns()) + " recorded and then set to NULL by each batch that deletes their parent"
                        + " (nothing in the database does it); rollback writes the old values back."));
            } else {
                findings.add(new Finding(Severity.INFO, Kind.LOGICAL_REFERENCE, r.name(), "logical reference "
                        + r.name() + " (" + fk.display() + ") is followed as a delete: its " + fk.child() + " rows are"
                        + " found by value, backed up, deleted and restored like a foreign key's; rows inserted during"
                        + " the run are caught up before their parent's batch, but the database does not stop one"
                        + " inserted after it (no constraint): verify reports such orphans."));
            }
        }
    }

    /** An override must name a foreign key the closure reaches, or it is a typo the job would silently ignore. */
    private void requireUsedOverrides() {
        List<String> unused = job.edgeOverrides().stream().filter(o -> !usedOverrides.contains(o))
                .map(EdgeOverride::display).toList();
        if (!unused.isEmpty()) {
            throw new InvalidJobException("job " + job.name() + ": 'edges' overrides " + String.join(", ", unused)
                    + ", but no foreign key of that name on that table leads from a purged table (plan lists the"
                    + " edges of the closure with their constraints). Fix the table or constraint name, or remove"
                    + " the entry.");
        }
    }

    /**
     * The columns a SET NULL / SET DEFAULT edge would reset to null although they are NOT NULL: the database refuses
     * such a reset, so it refuses to delete any parent row the child references, exactly as under RESTRICT.
     */
    private List<String> refusedResets(ForeignKey fk) {
        Table child = catalog.table(fk.child()).orElseThrow();
        return fk.resetColumns().stream()
                .filter(c -> child.column(c).map(col -> !col.nullable()
                        && (fk.onDelete() == OnDelete.SET_NULL || col.defaultIsNull())).orElse(false))
                .toList();
    }

    /**
     * A SET NULL / SET DEFAULT edge the plan leaves to the database: refused when the database would refuse the reset
     * (the run would fail at the parent's first batch), warned when SET DEFAULT writes a value only the data can
     * judge (docs/design.md#set-null-and-set-default).
     */
    private void reportReset(ForeignKey fk) {
        List<String> refused = refusedResets(fk);
        if (!refused.isEmpty() && fk.logical()) {
            // declutter itself would set the columns to NULL: the UPDATE would fail at the parent's first batch
            findings.add(new Finding(Severity.ERROR, Kind.RESET_REFUSED, fk.name(), "logical reference " + fk.name()
                    + " (" + fk.display() + ") is 'onDelete: set null', but " + fk.child()
                    + (refused.size() == 1 ? " column " : " columns ") + String.join(", ", refused)
                    + (refused.size() == 1 ? " is" : " are") + " NOT NULL: the run could not set "
                    + (refused.size() == 1 ? "it" : "them") + " to NULL and would fail at the first " + fk.parent()
                    + " batch. Write 'onDelete: delete' (back up and delete those rows with their parent) or"
                    + " 'onDelete: ignore' (leave them as they are) in the job file's 'references' entry."));
            return;
        }
        if (!refused.isEmpty()) {
            findings.add(new Finding(Severity.ERROR, Kind.RESET_REFUSED, fk.name(), fk.display() + " is ON DELETE "
                    + fk.onDelete().sql() + ", but " + fk.child() + (refused.size() == 1 ? " column " : " columns ")
                    + String.join(", ", refused) + (refused.size() == 1 ? " is" : " are") + " NOT NULL"
                    + (fk.onDelete() == OnDelete.SET_DEFAULT ? " with no default (its default is NULL)" : "")
                    + ": the database refuses to delete a " + fk.parent() + " row that a " + fk.child() + " row"
                    + " references, as if the foreign key were RESTRICT, so the run would fail at the first "
                    + fk.parent() + " batch. Either follow the edge as a delete (back up and delete those "
                    + fk.child() + " rows with everything that references them) by adding to the job file"
                    + " \"edges: [{table: " + fk.declaringTable() + ", constraint: " + fk.name() + ", strategy:"
                    + " delete}]\", or exclude " + fk.child() + " from the job and delete or re-point its rows that"
                    + " reference purged rows before the run."));
            return;
        }
        for (io.declutter.model.CheckConstraint check : fk.resetChecks()) {
            findings.add(new Finding(Severity.WARNING, Kind.RESET_CHECK, fk.name(), fk.display() + " is ON DELETE "
                    + fk.onDelete().sql() + " and CHECK " + check.name() + " " + check.expression() + " of "
                    + fk.child() + " names its columns: the database evaluates it on every row it resets and refuses"
                    + " the delete of a " + fk.parent() + " row if it fails. Before its first delete the run checks it"
                    + " on every row it will reset and stops, deleting nothing, if one would fail; to avoid the reset,"
                    + " follow the edge as a delete with \"edges: [{table: " + fk.declaringTable() + ", constraint: "
                    + fk.name() + ", strategy: delete}]\" in the job file."));
        }
        if (fk.onDelete() == OnDelete.SET_DEFAULT) {
            Table child = catalog.table(fk.child()).orElseThrow();
            List<String> defaults = fk.resetColumns().stream().map(c -> child.column(c).orElseThrow())
                    .filter(c -> !c.defaultIsNull())
                    .map(c -> c.name() + " = " + c.defaultValue().orElse("(identity)")).toList();
            if (!defaults.isEmpty()) {
                findings.add(new Finding(Severity.WARNING, Kind.SET_DEFAULT, fk.name(), fk.display() + " is ON DELETE"
                        + " SET DEFAULT: the database sets " + String.join(", ", defaults) + " in the " + fk.child()
                        + " rows that reference purged rows and checks the foreign key: unless " + fk.parent()
                        + " holds a row with that key and this job does not purge it, it refuses the delete and the"
                        + " run fails at the first " + fk.parent() + " batch. Make sure it does, or follow the edge as"
                        + " a delete with \"edges: [{table: " + fk.declaringTable() + ", constraint: " + fk.name()
                        + ", strategy: delete}]\" in the job file."));
            }
        }
    }

    private void reportOverride(ForeignKey fk) {
        if (fk.onDelete() == OnDelete.SET_NULL || fk.onDelete() == OnDelete.SET_DEFAULT) {
            findings.add(new Finding(Severity.INFO, Kind.OVERRIDDEN_EDGE, fk.name(), fk.display() + " is ON DELETE "
                    + fk.onDelete().sql() + ", followed as a delete by the job's 'edges' override: the " + fk.child()
                    + " rows that reference purged rows are backed up and deleted (with their own closure) before"
                    + " their parents, instead of staying with the column reset."));
        }
    }

    private void reportEdgeIntoExcluded(ForeignKey fk) {
        if (fk.logical()) {
            return; // nothing enforces it: reportLogicalReferences says what happens
        }
        if (!refusedResets(fk).isEmpty()) {
            // the database refuses the reset: the edge blocks like a NO ACTION one
            findings.add(new Finding(Severity.WARNING, Kind.BLOCKING_EDGE, fk.name(), fk.display() + " comes from the"
                    + " excluded table " + fk.child() + " and is ON DELETE " + fk.onDelete().sql() + " onto NOT NULL "
                    + String.join(", ", refusedResets(fk)) + ", a reset the database refuses: any of its rows that"
                    + " reference purged " + fk.parent() + " rows will make the delete fail. Delete or re-point those"
                    + " rows first, or remove " + fk.child() + " from 'exclude' and follow the edge as a delete with"
                    + " \"edges: [{table: " + fk.declaringTable() + ", constraint: " + fk.name()
                    + ", strategy: delete}]\"."));
            return;
        }
        switch (fk.onDelete()) {
            case CASCADE -> findings.add(new Finding(Severity.WARNING, Kind.CASCADE_OUTSIDE, fk.name(),
                    fk.display() + " is ON DELETE CASCADE: deleting " + fk.parent() + " rows will make the database"
                            + " delete rows of the excluded table " + fk.child() + " without a backup."
                            + " Remove " + fk.child() + " from 'exclude' to back them up."));
            case SET_NULL, SET_DEFAULT -> findings.add(new Finding(Severity.INFO, Kind.SET_NULL_OUTSIDE, fk.name(),
                    fk.display() + " is ON DELETE " + fk.onDelete().sql() + ": the database will change rows of the"
                            + " excluded table " + fk.child() + " and rollback will not restore them."));
            default -> findings.add(new Finding(Severity.WARNING, Kind.BLOCKING_EDGE, fk.name(),
                    fk.display() + " comes from the excluded table " + fk.child() + ": any of its rows that reference"
                            + " purged " + fk.parent() + " rows will make the delete fail. Delete or re-point those rows"
                            + " first, or remove " + fk.child() + " from 'exclude'."));
        }
    }

    private List<ForeignKey> closureEdges() {
        return drafts.stream().filter(d -> d.strategy() == Strategy.DELETE).map(EdgeDraft::fk).toList();
    }

    private boolean nullable(ForeignKey fk) {
        Table child = catalog.table(fk.child()).orElseThrow();
        return fk.childColumns().stream().allMatch(c -> child.column(c).map(col -> col.nullable()).orElse(false));
    }

    private PurgeTable purgeTable(Table table, int height, int rank, int group, String backupName,
                                  boolean childrenFirst, int unit, Cycles cycles) {
        Optional<UniqueKey> usable = table.primaryKey().or(() -> notNullUniqueKey(table));
        List<String> all = table.columns().stream().map(c -> c.name()).toList();
        if (usable.isEmpty()) {
            Optional<String> refusal = rowIdentityRefusal(table.name(), cycles);
            if (refusal.isEmpty()) {
                reportRowIdentity(table);
                return new PurgeTable(table, new UniqueKey("(row)", all, false), height, rank, group, backupName,
                        primaryEdge.get(table.name()), childrenFirst, unit, true);
            }
            findings.add(new Finding(Severity.ERROR, Kind.NO_KEY, table.name().display(), "table " + table.name()
                    + " has no primary key and no unique key on NOT NULL columns, so its rows cannot be matched"
                    + " between the table and its backup, and " + refusal.get() + ". Add a primary key, or exclude"
                    + " the table from the job."));
        }
        UniqueKey key = usable.orElseGet(() -> new UniqueKey("(none)", all, false));
        return new PurgeTable(table, key, height, rank, group, backupName, primaryEdge.get(table.name()), childrenFirst,
                unit);
    }

    /**
     * Why a table without a usable key cannot be purged by row identity (docs/design.md#tables-without-a-key), empty
     * when it can: it must be a leaf reached through delete edges only from parents outside deferred units, and not
     * the root. Its rows are found through their foreign keys into purged rows, deleted and backed up in one
     * statement: rows of another table referencing them (through a unique key on nullable columns) could be found by
     * no key, and a deferred unit's batch gathers the rows it deletes by their keys.
     */
    private Optional<String> rowIdentityRefusal(TableName name, Cycles cycles) {
        if (name.equals(job.root())) {
            return Optional.of("it is the root table, whose rows are selected and cached by their key");
        }
        List<String> referencing = catalog.referencing(name).stream().map(ForeignKey::display).toList();
        if (!referencing.isEmpty()) {
            return Optional.of("it is referenced (" + String.join(", ", referencing) + "), so it is not a leaf: only"
                    + " a table nothing references can be purged by row identity (its rows deleted and backed up in"
                    + " one statement), as the rows referencing it must be found by a key first");
        }
        List<String> unitParents = drafts.stream().filter(d -> d.strategy() == Strategy.DELETE)
                .filter(d -> d.fk().child().equals(name) && cycles.unit(d.fk().parent()) > 0)
                .map(d -> d.fk().parent().display()).distinct().toList();
        if (!unitParents.isEmpty()) {
            return Optional.of("its parent " + String.join(", ", unitParents) + " is in a cycle of DEFERRABLE foreign"
                    + " keys, whose batches gather the rows they delete by key, so it cannot be purged by row"
                    + " identity");
        }
        return Optional.empty();
    }

    /** What purging a keyless leaf by row identity means and costs (docs/design.md#tables-without-a-key). */
    private void reportRowIdentity(Table table) {
        List<String> lookups = drafts.stream().filter(d -> d.strategy() == Strategy.DELETE)
                .filter(d -> d.fk().child().equals(table.name()))
                .map(d -> {
                    ForeignKey fk = d.fk();
                    boolean indexed = fk.childPartition().isPresent() ? fk.childPartitionIndexed()
                            : table.hasIndexLeadingWith(fk.childColumns());
                    String cols = fk.declaringTable() + "(" + String.join(", ", fk.childColumns()) + ")";
                    return indexed ? "an index lookup on " + cols + " per " + fk.parent() + " row"
                            : "a scan of the whole table " + fk.declaringTable() + " per " + fk.parent()
                            + " batch (no index on " + cols + ")";
                }).toList();
        findings.add(new Finding(Severity.INFO, Kind.ROW_IDENTITY, table.name().display(), "table " + table.name()
                + " has no primary key and no unique key on NOT NULL columns: it is purged by row identity. Its rows"
                + " are backed up and deleted in one statement, no key-based cache (each batch deletes the rows that"
                + " reference the batch's parent rows and backs up exactly the rows it deleted); rollback re-inserts"
                + " every backed-up row once, duplicates as they were; verify counts rows as a multiset. Cost: "
                + String.join("; ", lookups) + ". PostgreSQL only."));
    }

    private static Optional<UniqueKey> notNullUniqueKey(Table table) {
        return table.keys().stream()
                .filter(k -> k.columns().stream().allMatch(c -> table.column(c).map(col -> !col.nullable()).orElse(false)))
                .min(Comparator.comparing(UniqueKey::name));
    }

    private void addTableFindings(List<PurgeTable> tables) {
        // A SET NULL / SET DEFAULT edge needs its index as much: the database looks the child rows up to reset them
        // in every parent delete batch, and the purge to record them first.
        for (EdgeDraft d : drafts) {
            ForeignKey fk = d.fk();
            Table child = catalog.table(fk.child()).orElseThrow();
            boolean indexed = fk.childPartition().isPresent() ? fk.childPartitionIndexed()
                    : child.hasIndexLeadingWith(fk.childColumns());
            if (d.strategy() != Strategy.SKIP && !indexed) {
                findings.add(new Finding(Severity.WARNING, Kind.UNINDEXED_FK, fk, fk.display()
                        + " has no index on " + fk.declaringTable() + "(" + String.join(", ", fk.childColumns()) + "):"
                        + (d.strategy() == Strategy.SET_NULL ? " each parent delete batch scans the whole table to"
                        + " find the rows the database resets (and the purge to record them)."
                        : " each cache step and each parent delete batch scans the whole table.")
                        + " Create the index (plan --index-ddl prints the statement)."));
            }
        }
        for (PurgeTable t : tables) {
            // Regardless of case: Oracle stores the backup tables' columns in upper case (DECLUTTER_RUN), PostgreSQL
            // in lower case, so a table column of either spelling clashes with them on one of the two.
            t.table().columns().stream().map(c -> c.name())
                    .filter(c -> BOOKKEEPING_COLUMNS.contains(c.toLowerCase(java.util.Locale.ROOT))).forEach(c ->
                    findings.add(new Finding(Severity.ERROR, Kind.RESERVED_COLUMN, t.name().display(), "table "
                            + t.name() + " has a column named " + c + ", a name (in any case) the backup tables use"
                            + " for their own bookkeeping (" + String.join(", ", BOOKKEEPING_COLUMNS) + "), so its rows"
                            + " cannot be backed up. Rename the column " + c + " of " + t.name() + ", or exclude "
                            + t.name() + " from the job.")));
            // Triggers the job disables, and those writing outside the closure, have findings of their own.
            List<String> kept = t.table().triggers().stream().filter(Trigger::firesOnDelete)
                    .filter(tr -> !job.disables(t.name(), tr.name()) && tr.writes().known()
                            && tables.stream().map(PurgeTable::name).collect(java.util.stream.Collectors.toSet())
                            .containsAll(tr.writes().tables()))
                    .map(Trigger::name).toList();
            if (!kept.isEmpty()) {
                findings.add(new Finding(Severity.WARNING, Kind.TRIGGER, t.name().display(), "table " + t.name()
                        + " has triggers that fire on every purged row: " + String.join(", ", kept)
                        + ". Check that they tolerate a bulk delete (or disable them for the window). A sequence only a"
                        + " trigger uses is not moved by rollback: move it past the restored values by hand."));
            }
            if (t.table().partitioned()) {
                findings.add(new Finding(Severity.INFO, Kind.PARTITIONED, t.name().display(), "table " + t.name()
                        + " is partitioned: it is purged through its parent table."));
            }
        }
    }
}
