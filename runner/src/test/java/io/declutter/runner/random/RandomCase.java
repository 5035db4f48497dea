package io.declutter.runner.random;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.model.Finding;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.RootRows;
import io.declutter.model.TableName;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.purge.Planning;
import io.declutter.runner.purge.Verification;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TableRows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One random case, end to end, in a database shared with other cases: the schema {@code r<n>} of a
 * {@link RandomSchema} with its data; the job {@code case_<n>} planned as {@code declutter plan} does (CatalogReader,
 * PlanBuilder, the predicate checked), generated in-process and installed by running {@code install.sql} over JDBC
 * (now and then through Liquibase, as {@code declutter deploy} does); sometimes with the root keys given at run time
 * instead of the predicate. The purge is driven step by step through {@link JobProcedures}, with a random batch size,
 * random interruptions (stop and resume with another batch size; the backend terminated between two steps or during
 * one, then a new session resumes the run) and an application writing children of purged rows, between steps or in
 * transactions running while a step runs ({@link LateRows}). Then the checks, against {@link ClosureOracle} (the
 * closure and the rows the database resets, computed before the purge from the data) plus the late rows:
 *
 * <ol>
 *   <li>invariant 1: every deleted row is in the run's backup with exactly its content (checked at a random moment
 *       in the middle of the run, at the stop of a partial run, and at the end);</li>
 *   <li>invariant 2: exactly the closure and the late rows are gone; every other row is unchanged, except the
 *       columns the database resets through ON DELETE SET NULL / SET DEFAULT keys; verify reports nothing present
 *       and no orphans; the run is done; the log has no error;</li>
 *   <li>invariant 4: the interruptions changed nothing: one run id throughout, nothing backed up or counted twice
 *       (backup rows and control table counts equal the expected closure);</li>
 *   <li>invariant 5: the late rows were caught up, the run never failed (a deadlock with the application is
 *       retried);</li>
 *   <li>invariant 3: after the rollback (itself sometimes interrupted and called again), every table holds exactly
 *       its rows from before the purge plus the late rows (per row, and per-table {@link Checksums}), and identity
 *       sequences are ahead of the restored values.</li>
 * </ol>
 *
 * A partial case stops the purge midway instead and rolls back from there. Everything the case created (its schema,
 * backup tables, procedures, control and run rows) is dropped at the end, so the database serves the next case.
 */
final class RandomCase {

    static final String FRAMEWORK = "declutter";
    static final Dialect DIALECT = Dialects.forName("postgres");
    private static final int MAX_STEPS = 50_000;
    /** One generator for every case: its FreeMarker configuration caches the parsed templates. */

    /** What a case did, for the summary. */
    record Outcome(long seed, int number, Set<String> features, int steps, long millis) {
    }

    private final ScratchDatabase db;
    private final long seed;
    private final int number;
    private final Set<Unsupported> switches;
    private final Random rnd;
    private final String job;
    private final Set<String> features = new LinkedHashSet<>();
    /** What the driver did, for the failure message. */
    private final StringBuilder trace = new StringBuilder();
    private final Map<String, Long> timings = new java.util.LinkedHashMap<>();
    private long lap = System.nanoTime();
    private final ExecutorService background;

    private RandomSchema schema;
    private List<String> tables;
    private ClosureOracle.Closure closure;
    private Map<String, Map<String, String>> before;
    /** Rows outside the closure whose SET NULL / SET DEFAULT columns the database resets: key to md5 after. */
    private Map<String, Map<String, String>> reset = Map.of();
    /** The application: rows inserted during the run that reference purged rows. */
    private LateRows lateRows;
    /** What the application committed, by table: key text to row md5 (filled when the run ends). */
    private Map<String, Map<String, String>> late = new TreeMap<>();

    /** The application's connection for transactions concurrent with a step. */
    private Connection writer;
    // the purge session
    private Connection purge;
    private int pid;
    private JobProcedures procs;
    private long run;
    private int batch;
    private boolean runtimeKeys;
    /**
     * The condition the oracle selects the root rows with: the schema's predicate, or for an orphan or duplicate root
     * the same rows written another way (NOT IN a parent's values; EXISTS a lower or higher key of the same value).
     */
    private String expected;
    /** A foreign key this case dropped and declared as a logical reference instead, for the oracle; or null. */
    private ClosureOracle.ForeignKey logical;
    /** The parent table of an orphan case's logical reference, or null. */
    private String orphanParent;
    /**
     * A duplicate case with {@code children: repoint} (docs/design.md#re-pointing): its key expression over an alias
     * ({@code "x."}), and whether the lowest key of a group stays; null when the case does not re-point.
     */
    private java.util.function.Function<String, String> repointKey;
    private boolean repointLowest;
    /**
     * A CHECK on a reset column fails for a row outside the closure the purge resets: the run must refuse before its
     * first delete ({@code checkRefused}). When only closure rows referencing purged rows through the edge fail it
     * ({@code checkMayRefuse}), the run may refuse too: whether the database would reset such a row depends on the
     * delete order (the product checks every row referencing a purged row, a conservative answer).
     */
    private boolean checkRefused;
    private boolean checkMayRefuse;
    /** The schema's sequences before the purge. */
    private List<Sequence> sequences = List.of();
    /** The run went to its end (not stopped midway): every late row was purged, so the rollback restored it. */
    private boolean complete;

    /** A sequence and its state; {@code column} the column it is owned by, max/min of that column. */
    private record Sequence(String name, String table, String column, long increment, long min, long max,
                            boolean cycle, long last, boolean called, Long columnMax, Long columnMin) {

        long next() {
            return called ? last + increment : last;
        }

        long handedOut() {
            return called ? last : last - increment;
        }

        /** nextval would give a value beyond every value of the column (in the sequence's direction). */
        boolean ahead() {
            return increment > 0 ? columnMax == null || next() > columnMax : columnMin == null || next() < columnMin;
        }
    }

    RandomCase(ScratchDatabase db, long seed, int number, Set<Unsupported> switches, ExecutorService background) {
        this.db = db;
        this.seed = seed;
        this.number = number;
        this.switches = switches;
        this.rnd = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        this.job = "case_" + number;
        this.background = background;
    }

    /** Time spent since the previous lap, by phase (the summary adds them up). */
    private void lap(String phase) {
        long now = System.nanoTime();
        timings.merge(phase, (now - lap) / 1_000_000, Long::sum);
        lap = now;
    }

    Map<String, Long> timings() {
        return timings;
    }

    /** Runs the case; any failure is an AssertionError or exception naming the seed (see {@link RandomPurgeTest}). */
    Outcome run(boolean keepOnFailure) throws Exception {
        long started = System.nanoTime();
        schema = RandomSchema.generate(seed, number, switches);
        features.addAll(schema.features);
        boolean ok = false;
        int steps = 0;
        try (Connection admin = db.connect()) {
            try {
                cleanUp(admin); // what an interrupted earlier attempt of this case left, if anything
                dump("schema.sql", schema.ddl());
                inTransaction(admin, schema.ddl());
                lap("ddl");
                runtimeKeys = schema.expectedRefusal().isEmpty() && rnd.nextInt(100) < 15;
                Job j = new Job(job, new TableName(schema.schema, schema.root().name),
                        runtimeKeys ? Optional.empty() : Optional.of(schema.predicate),
                        1 + rnd.nextInt(50), true, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(60),
                        List.of(), schema.outboxDisabled ? List.of("outbox") : List.of());
                expected = schema.predicate;
                if (!runtimeKeys && schema.expectedRefusal().isEmpty()) {
                    j = otherRoot(admin, j);
                    if (expected.equals(schema.predicate)) {
                        j = logicalReference(admin, j);
                    }
                }
                // what 'declutter plan' does: CatalogReader, PlanBuilder, and the predicate checked (never run)
                PurgePlan plan;
                try {
                    plan = Planning.plan(admin, DIALECT, j).plan();
                } catch (io.declutter.runner.UserError e) {
                    if (j.rows() instanceof RootRows.DuplicatesOf && e.getMessage().contains("could purge the row kept")) {
                        check(reachesRootAgain(), "duplicates refused though no foreign key path leads from "
                                + schema.display(schema.root()) + " back to it: " + e.getMessage());
                        features.add("refused: duplicates' closure reaches their table");
                        ok = true;
                        return new Outcome(seed, number, features, 0, (System.nanoTime() - started) / 1_000_000);
                    }
                    throw e;
                }
                check(!(j.rows() instanceof RootRows.DuplicatesOf d) || d.repoint() || !reachesRootAgain(),
                        "duplicates planned though a foreign key path leads from " + schema.display(schema.root())
                                + " back to it");
                lap("plan");
                if (schema.expectedRefusal().isPresent()) {
                    checkRefusal(plan, schema.expectedRefusal().get());
                    ok = true;
                    return new Outcome(seed, number, features, 0, (System.nanoTime() - started) / 1_000_000);
                }
                check(plan.errors().isEmpty(), "plan has errors: " + plan.errors());
                if (plan.edges().stream().anyMatch(io.declutter.model.Edge::deferred)) {
                    features.add("plan defers a cycle");
                }
                dump("data.sql", schema.data());
                inTransaction(admin, schema.data());
                if (orphanParent != null) {
                    // a parent for about half of the flag's values: the root rows holding the others are orphans
                    inTransaction(admin, "INSERT INTO " + orphanParent + " SELECT DISTINCT f." + flag() + " FROM "
                            + schema.qualified(schema.root()) + " AS f WHERE f." + flag() + " IS NOT NULL AND md5(f."
                            + flag() + "::text || '" + seed + "') < '8'");
                }
                lap("data");
                List<GeneratedFile> files = DIALECT.generate(plan, io.declutter.model.Window.ALWAYS);
                String install = files.stream()
                        .filter(f -> f.path().equals("install.sql")).map(GeneratedFile::content).findFirst().orElseThrow();
                dump("install.sql", install);
                lap("generate");
                if (rnd.nextInt(100) < 5) {
                    // now and then the way 'declutter deploy' does it: with Liquibase, from changelog.xml
                    features.add("deployed with Liquibase");
                    liquibase(files);
                } else {
                    inTransaction(admin, install);
                }
                lap("install");
                snapshot(admin);
                lap("snapshot");
                steps = purgeAndCheck(admin);
                ok = true;
            } finally {
                closePurge();
                if (writer != null) {
                    writer.close();
                }
                if (ok || !keepOnFailure) {
                    lap("rest");
                    cleanUp(admin);
                    lap("cleanup");
                }
            }
        } catch (Throwable t) {
            throw new AssertionError(describe() + "\n" + t, t);
        }
        return new Outcome(seed, number, features, steps, (System.nanoTime() - started) / 1_000_000);
    }

    private String flag() {
        return Names.quote(schema.rootFlag.name);
    }

    /**
     * Now and then (its own random stream, so the other cases of a seed stay as they were) the job's root rows are
     * chosen another way (docs/design.md#orphan-roots, docs/design.md#duplicate-roots): the orphans of a logical
     * reference from the root's flag column to a new table holding some of its values, or all but the lowest (highest)
     * key of each value of the flag (lower(flag) for text).
     */
    private Job otherRoot(Connection admin, Job j) throws SQLException {
        Random other = new Random(seed * 31 + 7);
        int mode = other.nextInt(100);
        List<String> pk = schema.root().primaryKey.stream().map(Names::quote).toList();
        String table = schema.qualified(schema.root());
        if (mode < 15) {
            features.add("orphans of a logical reference");
            String parentName = "declutter_orphan_parent";
            orphanParent = Names.quote(schema.schema) + "." + Names.quote(parentName);
            inTransaction(admin, "CREATE TABLE " + orphanParent + " (v " + schema.rootFlag.type + " PRIMARY KEY)");
            expected = flag() + " IS NOT NULL AND " + flag() + " NOT IN (SELECT p.v FROM " + orphanParent + " AS p)";
            io.declutter.model.LogicalReference ref = new io.declutter.model.LogicalReference("orphan_ref", j.root(),
                    List.of(schema.rootFlag.name), new TableName(schema.schema, parentName), List.of(),
                    io.declutter.model.LogicalReference.Action.DELETE);
            return new Job(j.name(), j.root(), new RootRows.OrphansOf("orphan_ref"), j.batchSize(), j.backup(),
                    j.excludedTables(), j.lockTimeout(), j.statementTimeout(), j.edgeOverrides(), j.disabledTriggers(),
                    List.of(ref));
        }
        if (mode < 30) {
            boolean lower = schema.rootFlag.type.equals("text") && other.nextBoolean();
            boolean lowest = other.nextBoolean();
            features.add("duplicates kept " + (lowest ? "lowest" : "highest") + (lower ? " by lower(flag)" : ""));
            java.util.function.Function<String, String> key = alias -> lower ? "lower(" + alias + flag() + ")"
                    : alias + flag();
            String row = "ROW(" + pk.stream().map(k -> "y." + k).collect(Collectors.joining(", ")) + ") "
                    + (lowest ? "<" : ">") + " ROW(" + pk.stream().map(k -> "x." + k).collect(Collectors.joining(", "))
                    + ")";
            expected = "(" + String.join(", ", pk) + ") IN (SELECT " + pk.stream().map(k -> "x." + k)
                    .collect(Collectors.joining(", ")) + " FROM " + table + " AS x WHERE " + key.apply("x.")
                    + " IS NOT NULL AND EXISTS (SELECT 1 FROM " + table + " AS y WHERE " + key.apply("y.") + " = "
                    + key.apply("x.") + " AND " + row + "))";
            // often the rows referencing a duplicate are re-pointed to the kept row instead of purged, where the
            // oracle below can say what they become (repointable()); always when purging them would be refused
            boolean repoint = repointable() && (reachesRootAgain() || other.nextInt(100) < 60);
            if (repoint) {
                features.add("duplicates re-pointing their children");
                repointKey = key;
                repointLowest = lowest;
            }
            return j.withRows(new RootRows.DuplicatesOf(List.of(key.apply("")), new RootRows.Keep(lowest
                    ? RootRows.Keep.Order.LOWEST : RootRows.Keep.Order.HIGHEST, Optional.empty()), repoint));
        }
        return j;
    }

    /**
     * Now and then (its own random stream) one foreign key is dropped from the database and declared in the job as a
     * logical reference instead (docs/design.md#logical-references): {@code onDelete: delete} for a key the purge
     * follows, {@code set null} for an ON DELETE SET NULL one. Only a key the oracle and the product treat alike without
     * the database's help: between two different unpartitioned tables, not deferrable, in no cycle, with no CHECK
     * naming its columns. The application's late inserts are off for such a case:
     * nothing stops a child inserted under a parent already deleted, as documented.
     */
    private Job logicalReference(Connection admin, Job j) throws SQLException {
        Random other = new Random(seed * 37 + 11);
        List<RandomSchema.ForeignKey> candidates = schema.foreignKeys.stream()
                .filter(fk -> fk.child != fk.parent && fk.child.partitions.isEmpty() && fk.parent.partitions.isEmpty()
                        && fk.childPartition == null && fk.parentPartition == null && !fk.deferrable
                        && !fk.initiallyDeferred && !fk.onDelete.equals("SET DEFAULT")
                        && (fk.followed() || fk.nullable())
                        && !inCycle(fk)
                        && schema.tables.stream().flatMap(t -> t.columns.stream()).noneMatch(col -> col.guards == fk)
                        && fk.child.checks.stream().noneMatch(ch -> fk.childColumns.stream()
                                .anyMatch(col -> ch.contains(Names.quote(col)))))
                .toList();
        // a quarter of the cases; three quarters where a SET NULL key qualifies (rarer), and then that key mostly
        List<RandomSchema.ForeignKey> resetting = candidates.stream().filter(k -> !k.followed()).toList();
        if (candidates.isEmpty() || other.nextInt(100) >= (resetting.isEmpty() ? 25 : 75)) {
            return j;
        }
        RandomSchema.ForeignKey fk = !resetting.isEmpty() && other.nextInt(100) < 75
                ? resetting.get(other.nextInt(resetting.size())) : candidates.get(other.nextInt(candidates.size()));
        String child = schema.display(fk.child);
        String parent = schema.display(fk.parent);
        ClosureOracle.ForeignKey declared = ClosureOracle.foreignKeys(admin).stream()
                .filter(k -> k.child().equals(child) && k.parent().equals(parent)
                        && k.childColumns().equals(fk.childColumns))
                .findFirst().orElse(null);
        if (declared == null) {
            return j;
        }
        inTransaction(admin, "ALTER TABLE " + schema.qualified(fk.child) + " DROP CONSTRAINT "
                + Names.quote(declared.name()));
        boolean setNull = !fk.followed();
        features.add("logical reference, " + (setNull ? "set null" : "delete"));
        logical = new ClosureOracle.ForeignKey("declutter_logical", child, fk.childColumns, parent, fk.parentColumns,
                setNull);
        io.declutter.model.LogicalReference ref = new io.declutter.model.LogicalReference("declutter_logical",
                new TableName(schema.schema, fk.child.name), fk.childColumns, new TableName(schema.schema, fk.parent.name),
                fk.parentColumns, setNull ? io.declutter.model.LogicalReference.Action.SET_NULL
                : io.declutter.model.LogicalReference.Action.DELETE);
        return new Job(j.name(), j.root(), j.rows(), j.batchSize(), j.backup(), j.excludedTables(), j.lockTimeout(),
                j.statementTimeout(), j.edgeOverrides(), j.disabledTriggers(), List.of(ref));
    }

    /** Whether a path of foreign keys leads from {@code fk}'s child back to its parent. */
    private boolean inCycle(RandomSchema.ForeignKey fk) {
        Set<RandomSchema.Table> seen = new HashSet<>();
        java.util.Deque<RandomSchema.Table> todo = new java.util.ArrayDeque<>(List.of(fk.child));
        while (!todo.isEmpty()) {
            RandomSchema.Table t = todo.pop();
            if (t == fk.parent) {
                return true;
            }
            for (RandomSchema.ForeignKey x : schema.foreignKeys) {
                if (x.parent == t && seen.add(x.child)) {
                    todo.push(x.child);
                }
            }
        }
        return false;
    }

    /**
     * Whether this case may re-point the children of its duplicates with an oracle kept simple: the root is not
     * partitioned, and every foreign key into it comes from another table, unpartitioned, declared on the table and
     * referencing it (no partition), with no CHECK constraint, no unique key (primary key included) holding one of its
     * columns (re-pointing could merge two rows: the run would refuse, docs/design.md#re-pointing), and one such key
     * per child table.
     */
    private boolean repointable() {
        RandomSchema.Table root = schema.root();
        if (!root.partitions.isEmpty()) {
            return false;
        }
        Set<RandomSchema.Table> children = new HashSet<>();
        for (RandomSchema.ForeignKey fk : schema.foreignKeys) {
            if (fk.parent != root) {
                continue;
            }
            RandomSchema.Table c = fk.child;
            if (c == root || !children.add(c) || !c.partitions.isEmpty() || fk.childPartition != null
                    || fk.parentPartition != null || !c.checks.isEmpty()
                    || c.primaryKey.stream().anyMatch(fk.childColumns::contains)
                    || c.uniqueKeys.stream().anyMatch(k -> k.stream().anyMatch(fk.childColumns::contains))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Re-pointing: table to (key to the md5 the row must have after the purge) of the rows referencing a duplicate,
     * their foreign key columns set to the referenced columns of the kept row of its group (the lowest or highest key
     * among the rows of the same key value), computed here from the data alone.
     */
    private Map<String, Map<String, String>> repointedRows(Connection admin) throws SQLException {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        RandomSchema.Table root = schema.root();
        String table = schema.qualified(root);
        String pk = root.primaryKey.stream().map(Names::quote).collect(Collectors.joining(", "));
        for (RandomSchema.ForeignKey fk : schema.foreignKeys) {
            if (fk.parent != root) {
                continue;
            }
            RandomSchema.Table t = fk.child;
            String row = t.columns.stream().map(col -> {
                int i = fk.childColumns.indexOf(col.name);
                return i >= 0 ? "k." + Names.quote(fk.parentColumns.get(i)) + "::" + col.type : "x." + Names.quote(col.name);
            }).collect(Collectors.joining(", "));
            String match = java.util.stream.IntStream.range(0, fk.childColumns.size())
                    .mapToObj(i -> "x." + Names.quote(fk.childColumns.get(i)) + " = d." + Names.quote(fk.parentColumns.get(i)))
                    .collect(Collectors.joining(" AND "));
            String order = root.primaryKey.stream().map(c -> "k." + Names.quote(c) + (repointLowest ? "" : " DESC"))
                    .collect(Collectors.joining(", "));
            String sql = "SELECT " + ClosureOracle.keyExpression("x", t.primaryKey) + ", md5(ROW(" + row + ")::text)"
                    + " FROM " + schema.qualified(t) + " AS x JOIN " + table + " AS d ON " + match
                    + " CROSS JOIN LATERAL (SELECT * FROM " + table + " AS k WHERE " + repointKey.apply("k.") + " = "
                    + repointKey.apply("d.") + " ORDER BY " + order + " LIMIT 1) AS k"
                    + " WHERE (" + root.primaryKey.stream().map(c -> "d." + Names.quote(c)).collect(Collectors.joining(", "))
                    + ") IN (SELECT " + pk + " FROM " + table + " AS c WHERE " + expected + ")";
            Map<String, String> rows = out.computeIfAbsent(schema.display(t), k -> new java.util.HashMap<>());
            try (java.sql.Statement st = admin.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        out.values().removeIf(Map::isEmpty);
        return out;
    }

    /** Whether a foreign key path the purge deletes along (not SET NULL / SET DEFAULT) leads from the root to itself. */
    private boolean reachesRootAgain() {
        Set<RandomSchema.Table> seen = new HashSet<>();
        java.util.Deque<RandomSchema.Table> todo = new java.util.ArrayDeque<>(List.of(schema.root()));
        while (!todo.isEmpty()) {
            RandomSchema.Table t = todo.pop();
            for (RandomSchema.ForeignKey fk : schema.foreignKeys) {
                if (fk.parent == t && !fk.onDelete.startsWith("SET")) {
                    if (fk.child == schema.root()) {
                        return true;
                    }
                    if (seen.add(fk.child)) {
                        todo.push(fk.child);
                    }
                }
            }
        }
        return false;
    }

    private void liquibase(List<GeneratedFile> files) throws Exception {
        Path dir = Files.createTempDirectory("declutter-random-" + job);
        try (Connection c = db.connect()) {
            io.declutter.runner.purge.Deployer.write(files, dir);
            io.declutter.runner.purge.Deployer.liquibaseUpdate(c, dir, "declutter");
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** With {@code -Ddeclutter.random.dump=DIR}: writes what the case runs to {@code DIR/case_<n>/}, for debugging. */
    private void dump(String file, String content) throws java.io.IOException {
        String dir = System.getProperty("declutter.random.dump");
        if (dir != null) {
            Path d = Path.of(dir, job);
            Files.createDirectories(d);
            Files.writeString(d.resolve(file), content);
        }
    }

    String describe() {
        return schema + "\njob " + job + ", case seed " + seed + ", batch " + batch + ", run " + run
                + "\nfeatures: " + features + "\ntrace: " + trace;
    }

    // ---------------------------------------------------------------------------------------------------- refusal

    private void checkRefusal(PurgePlan plan, Finding.Kind kind) throws Exception {
        check(plan.errors().stream().anyMatch(f -> f.kind() == kind), "a schema with " + switches
                + " is expected to be refused by plan (" + kind.label() + " ERROR) but the plan has errors "
                + plan.errors() + ". If the product supports this now, change its expectation in Unsupported.");
        features.add("refused:" + kind.label());
        // and through the CLI, as a DBA sees it: exit 2, nothing created
        Path dir = Files.createTempDirectory("declutter-random");
        try {
            String yaml = "job: " + job + "\nroot:\n  table: " + yamlString(schema.display(schema.root()))
                    + "\n  where: " + yamlString(schema.predicate) + "\n";
            Path file = JobFiles.write(dir, job + ".yaml", yaml, db.url());
            Cli.Result r = Cli.run("plan", "-j", file.toString());
            check(r.exitCode() == 2, "declutter plan on a refused schema: " + r);
            check(r.out().contains("ERROR"), "declutter plan names the refusal: " + r);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A YAML double-quoted scalar (JSON escapes). */
    private static String yamlString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    // --------------------------------------------------------------------------------------------------- snapshot

    /** Table to (key to the md5 the row must have after the purge) of the rows the database resets. */
    private Map<String, Map<String, String>> resetRows(Connection admin, ClosureOracle.Closure closure)
            throws SQLException {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        for (Map.Entry<String, Map<String, java.util.Set<String>>> e : closure.resets().entrySet()) {
            RandomSchema.Table t = schema.tables.stream().filter(x -> schema.display(x).equals(e.getKey()))
                    .findFirst().orElseThrow();
            Map<String, String> rows = new java.util.HashMap<>();
            for (Map.Entry<String, java.util.Set<String>> row : e.getValue().entrySet()) {
                rows.put(row.getKey(), md5WithNulls(admin, t, row.getKey(), row.getValue()));
            }
            out.put(e.getKey(), rows);
        }
        return out;
    }

    /** The md5 the row will have once the database has set {@code columns} to NULL (as {@code TableRows} prints it). */
    private String md5WithNulls(Connection c, RandomSchema.Table t, String key, java.util.Set<String> columns)
            throws SQLException {
        String row = t.columns.stream().map(col -> columns.contains(col.name) ? "NULL::" + col.type
                : "x." + Names.quote(col.name)).collect(java.util.stream.Collectors.joining(", "));
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT md5(ROW(" + row + ")::text) FROM "
                + schema.qualified(t) + " AS x WHERE " + ClosureOracle.keyExpression("x", t.primaryKey) + " = ?")) {
            ps.setString(1, key);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(schema.display(t) + ": row " + key + " not found");
                }
                return rs.getString(1);
            }
        }
    }

    private void snapshot(Connection admin) throws SQLException {
        tables = schema.tables.stream().map(schema::display).toList();
        closure = ClosureOracle.compute(admin, schema.display(schema.root()), expected,
                logical == null ? List.of() : List.of(logical));
        if (repointKey != null) {
            // children: repoint: only the duplicates go; every row referencing one is re-pointed to its kept row
            String root = schema.display(schema.root());
            closure = new ClosureOracle.Closure(closure.root(), Map.of(root, closure.keys(root)), List.of(), Map.of());
        }
        reset = repointKey != null ? repointedRows(admin) : resetRows(admin, closure);
        if (repointKey != null && !reset.isEmpty()) {
            features.add("rows re-pointed");
        }
        // the oracle reads the catalog: it must see the foreign keys the schema was built with
        for (RandomSchema.ForeignKey fk : schema.foreignKeys) {
            if (repointKey != null) {
                break; // its closure is the duplicates alone
            }
            check(!closure.tables().contains(schema.display(fk.parent)) || closure.edges().stream().anyMatch(e ->
                    e.child().equals(schema.display(fk.child)) && e.parent().equals(schema.display(fk.parent))
                            && e.childColumns().equals(fk.childColumns) && e.keepsChild() != fk.followed()),
                    schema.display(fk.child) + fk.childColumns + ": not among the oracle's foreign keys");
        }
        if (!schema.foreignKeys.stream().allMatch(RandomSchema.ForeignKey::followed)) {
            features.add("set null / set default edges");
            if (!reset.isEmpty()) {
                features.add("rows reset by set null / set default");
            }
        }
        lateRows = new LateRows(schema, closure, number);
        before = TableRows.of(admin, tables);
        sequences = sequences(admin);
        checkRefused = checkFails(admin, false);
        checkMayRefuse = checkRefused || checkFails(admin, true);
        // The expected checksums are computed from per-row md5s; make sure that agrees with Checksums itself.
        Map<String, Checksums.Sum> sums = Checksums.of(admin, tables.stream().map(ClosureOracle::quote).toList());
        for (String t : tables) {
            check(sums.get(ClosureOracle.quote(t)).equals(checksum(admin, before.get(t).values())),
                    "checksum of " + t + " computed from its rows differs from Checksums");
        }
        long total = closure.total();
        features.add(total == 0 ? "empty closure" : total < 20 ? "closure < 20 rows" : total < 100
                ? "closure 20-99 rows" : "closure >= 100 rows");
        if (closure.keys().values().stream().filter(k -> !k.isEmpty()).count() > 1) {
            boolean crossTenant = false;
            // closure rows beyond the selected roots' own: the closure is not just "same tenant"
            for (String t : tables) {
                if (!closure.keys(t).isEmpty() && closure.keys(t).size() < before.get(t).size()) {
                    crossTenant = true;
                }
            }
            if (crossTenant) {
                features.add("partial tables");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ purge

    private int purgeAndCheck(Connection admin) throws Exception {
        int calm = rnd.nextInt(100);
        double pInsert = closure.total() == 0 ? 0 : calm < 25 ? 0 : rnd.nextDouble() * 0.3;
        double pStop = calm < 35 ? 0 : rnd.nextDouble() * 0.06;
        double pKillBetween = calm < 45 ? 0 : rnd.nextDouble() * 0.05;
        double pKillDuring = calm < 45 ? 0 : rnd.nextDouble() * 0.06;
        if (checkMayRefuse) {
            // the run ends as failed at its check: interruptions would only meet a failed run
            pStop = 0;
            pKillBetween = 0;
            pKillDuring = 0;
        }
        double pWriter = closure.total() == 0 || calm < 40 ? 0 : rnd.nextDouble() * 0.3;
        if (repointKey != null || logical != null) {
            // rows the application inserts under a duplicate are re-pointed, not purged, and nothing refuses one
            // inserted through a logical reference under a parent already gone: LateRows expects neither
            pInsert = 0;
            pWriter = 0;
        }
        boolean partial = rnd.nextInt(100) < 15;
        int estimate = (int) (closure.total() / Math.max(1, 10) + schema.foreignKeys.size() + tables.size());
        int stopAt = partial ? 1 + rnd.nextInt(Math.max(2, estimate)) : -1;
        int checkAt = rnd.nextInt(100) < 30 ? 1 + rnd.nextInt(Math.max(2, estimate)) : -1;
        batch = 1 + (rnd.nextBoolean() ? rnd.nextInt(5) : rnd.nextInt(50));

        writer = db.connect();
        connectPurge();
        run = procs.beginRun(Optional.empty(), batch);
        trace.append("begin ").append(run).append("; ");
        if (runtimeKeys) {
            // 'keys: runtime': the selected root rows' keys, as text, given to the run before it starts
            features.add("keys given at run time");
            procs.addKeys(run, rootKeys(admin));
        }
        int steps = 0;
        int busy = 0;
        boolean done = false;
        while (!done) {
            check(++steps < MAX_STEPS, "no end after " + MAX_STEPS + " steps");
            if (steps == stopAt) {
                features.add("partial purge + rollback");
                trace.append("partial stop at step ").append(steps).append("; ");
                closePurge();
                assertBackedUpSoFar(admin);
                rollbackAndCheck(admin);
                return steps;
            }
            if (steps == checkAt) {
                assertBackedUpSoFar(admin);
            }
            if (rnd.nextDouble() < pInsert) {
                lateRows.insertEach(admin, rnd, 1 + rnd.nextInt(3), trace);
                late = lateRows.committed();
            }
            if (rnd.nextDouble() < pStop) {
                features.add("stop and resume");
                trace.append("stop; ");
                closePurge();
                batch = 1 + rnd.nextInt(50);
                connectPurge();
                resume(admin);
            }
            if (rnd.nextDouble() < pKillBetween) {
                features.add("backend terminated between steps");
                trace.append("kill between; ");
                terminate(admin);
                if (resumeOrFinished(admin)) {
                    done = true;
                    continue;
                }
            }
            JobProcedures.Step step;
            if (rnd.nextDouble() < pKillDuring) {
                features.add("backend terminated during a step");
                final int size = batch;
                final long r = run;
                final JobProcedures p = procs;
                Future<JobProcedures.Step> f = background.submit(() -> p.step(r, size));
                Thread.sleep(rnd.nextInt(10));
                terminate(admin);
                try {
                    step = f.get(60, TimeUnit.SECONDS);
                    trace.append("kill after step ").append(step.phase()).append("; ");
                } catch (ExecutionException e) {
                    trace.append("kill during step; ");
                    step = null;
                }
                if (step != null && step.phase().equals("done")) {
                    done = true;
                    continue;
                }
                if (step != null && step.phase().equals("failed")) {
                    fail("the run failed: " + lastError(admin));
                }
                if (resumeOrFinished(admin)) {
                    done = true;
                }
                continue;
            }
            if (rnd.nextDouble() < pWriter) {
                // the application writes while the step runs: its transaction may wait for the step, deadlock with
                // it or find its parent gone; the step must never fail because of it
                features.add("concurrent writer during a step");
                Random writerRnd = new Random(rnd.nextLong());
                int rows = 1 + rnd.nextInt(4);
                Future<String> w = background.submit(() -> lateRows.transaction(writer, writerRnd, rows));
                Thread.sleep(rnd.nextInt(3));
                step = procs.step(run, batch);
                String how = w.get(120, TimeUnit.SECONDS);
                trace.append("writer ").append(how).append("; ");
                if (how.startsWith("rolled back")) {
                    features.add("concurrent writer rolled back");
                }
                late = lateRows.committed();
            } else {
                step = procs.step(run, batch);
            }
            switch (step.phase()) {
                case "cache", "delete" -> busy = 0;
                case "done" -> done = true;
                case "retry", "busy" -> {
                    trace.append(step.phase()).append("; ");
                    check(++busy < 200, "200 retries in a row");
                    Thread.sleep(20);
                }
                case "failed" -> {
                    if (!checkMayRefuse) {
                        fail("the run failed (invariant 5: it must never fail): " + lastError(admin));
                    }
                    features.add(checkRefused ? "run refused by a check on a reset column"
                            : "run refused by a check failed by closure rows only");
                    String error = lastError(admin);
                    check(error.contains("CHECK"), "the run failed, but not at the CHECK of a reset column: " + error);
                    late = lateRows.committed();
                    closePurge();
                    assertUntouched(admin);
                    rollbackAndCheck(admin);
                    return steps;
                }
                default -> fail("unknown phase " + step.phase());
            }
        }
        check(!checkRefused, "a row the purge resets fails a CHECK on its reset column: the run must refuse before"
                + " its first delete, but it ran to its end");
        complete = true;
        if (checkMayRefuse) {
            features.add("run not refused though closure rows fail a check on a reset column");
        }
        late = lateRows.committed();
        features.add(late.isEmpty() ? "no late rows" : "late rows caught up");
        closePurge();
        if (!expected.equals(schema.predicate)) {
            // an orphan or duplicate job is done for good: a second run would select nothing
            // (docs/design.md#orphan-roots, docs/design.md#duplicate-roots)
            check(Long.parseLong(io.declutter.runner.testing.Queries.ids(admin, "SELECT count(*) FROM "
                    + schema.qualified(schema.root()) + " AS c WHERE " + expected).get(0)) == 0,
                    "root rows left after the run: a second run would find some");
            features.add("a second run finds nothing");
        }
        lap("purge");
        assertPurged(admin);
        lap("check purge");
        rollbackAndCheck(admin);
        lap("rollback + check");
        return steps;
    }

    /** After a run refused at its check: every table holds its rows from before plus the late rows, unchanged. */
    private void assertUntouched(Connection admin) throws SQLException {
        for (String t : tables) {
            Map<String, String> expected = new HashMap<>(before.get(t));
            expected.putAll(late.getOrDefault(t, Map.of()));
            String diff = TableRows.difference(TableRows.of(admin, t), expected);
            check(diff.isEmpty(), t + " after the run refused at the CHECK (nothing may be deleted): " + diff);
        }
    }

    /**
     * Whether a row outside the closure that a SET NULL / SET DEFAULT key resets fails its CHECK (guard false); with
     * {@code any}: whether any row referencing a closure row through that key does, closure rows included.
     */
    private boolean checkFails(Connection admin, boolean any) throws SQLException {
        for (RandomSchema.Table t : schema.tables) {
            for (RandomSchema.Column g : t.columns) {
                if (g.guards == null) {
                    continue;
                }
                if (any) {
                    RandomSchema.ForeignKey fk = g.guards;
                    String child = fk.childPartition == null ? schema.qualified(t)
                            : Names.quote(schema.schema) + "." + Names.quote(fk.childPartition);
                    String parent = fk.parentPartition == null ? schema.qualified(fk.parent)
                            : Names.quote(schema.schema) + "." + Names.quote(fk.parentPartition);
                    StringBuilder match = new StringBuilder();
                    for (int i = 0; i < fk.childColumns.size(); i++) {
                        match.append(" AND c.").append(Names.quote(fk.childColumns.get(i))).append(" = p.")
                                .append(Names.quote(fk.parentColumns.get(i)));
                    }
                    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM " + child + " AS c WHERE"
                            + " NOT c." + Names.quote(g.name) + " AND EXISTS (SELECT 1 FROM " + parent + " AS p WHERE "
                            + ClosureOracle.keyExpression("p", fk.parent.primaryKey) + " = ANY (?)" + match + ")")) {
                        ps.setArray(1, admin.createArrayOf("text", closure.keys(schema.display(fk.parent)).toArray()));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if (rs.getLong(1) > 0) {
                                return true;
                            }
                        }
                    }
                    continue;
                }
                String first = g.guards.childColumns.get(0);
                List<String> keys = closure.resets().getOrDefault(schema.display(t), Map.of()).entrySet().stream()
                        .filter(e -> e.getValue().contains(first)).map(Map.Entry::getKey).toList();
                if (keys.isEmpty()) {
                    continue;
                }
                try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM " + schema.qualified(t)
                        + " AS x WHERE " + ClosureOracle.keyExpression("x", t.primaryKey) + " = ANY (?) AND NOT x."
                        + Names.quote(g.name))) {
                    ps.setArray(1, admin.createArrayOf("text", keys.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Every sequence of the case's schema, with the column owning it (serial, identity, OWNED BY) and its range. */
    private List<Sequence> sequences(Connection admin) throws SQLException {
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("""
                SELECT format('%I.%I', n.nspname, c.relname), format('%I.%I', tn.nspname, t.relname), a.attname,
                       q.seqincrement, q.seqmin, q.seqmax, q.seqcycle
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_sequence q ON q.seqrelid = c.oid
                  JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass
                       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
                  JOIN pg_class t ON t.oid = d.refobjid
                  JOIN pg_namespace tn ON tn.oid = t.relnamespace
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                 WHERE c.relkind = 'S' AND n.nspname = ?
                 ORDER BY 1""")) {
            ps.setString(1, schema.schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), String.valueOf(rs.getBoolean(7))});
                }
            }
        }
        List<Sequence> out = new ArrayList<>();
        for (String[] f : found) {
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SELECT s.last_value,"
                    + " s.is_called, (SELECT max(x." + Names.quote(f[2]) + ") FROM " + f[1] + " AS x), (SELECT min(x."
                    + Names.quote(f[2]) + ") FROM " + f[1] + " AS x) FROM " + f[0] + " AS s")) {
                rs.next();
                Long max = rs.getObject(3) == null ? null : rs.getLong(3);
                Long min = rs.getObject(4) == null ? null : rs.getLong(4);
                out.add(new Sequence(f[0], f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Long.parseLong(f[5]), Boolean.parseBoolean(f[6]), rs.getLong(1), rs.getBoolean(2), max, min));
            }
        }
        return out;
    }

    /**
     * After a rollback: no sequence moved backwards (in its direction), none left its bounds (the database sees to
     * that); and after a complete run, a sequence that was ahead of its column before is ahead of it again (the late
     * rows, restored with ids of their own, included) unless the column's values reach the sequence's bound.
     */
    private void assertSequences(Connection admin) throws SQLException {
        List<Sequence> now = sequences(admin);
        Map<String, Sequence> was = new HashMap<>();
        sequences.forEach(q -> was.put(q.name(), q));
        for (Sequence q : now) {
            Sequence b = was.get(q.name());
            check(b != null, "sequence " + q.name() + " appeared");
            check((q.handedOut() - b.handedOut()) * Long.signum(q.increment()) >= 0 || q.cycle(),
                    "sequence " + q.name() + " moved backwards: " + b + " -> " + q);
            boolean reachable = q.increment() > 0 ? q.columnMax() == null || q.columnMax() < q.max()
                    : q.columnMin() == null || q.columnMin() > q.min();
            if (complete && b.ahead() && reachable && !q.cycle()) {
                check(q.ahead(), "sequence " + q.name() + " of " + q.table() + "." + q.column() + " was ahead of the"
                        + " column before the purge, not after the rollback: " + b + " -> " + q);
            }
        }
        check(now.size() == sequences.size(), "sequences before " + sequences + ", after " + now);
        if (!sequences.isEmpty()) {
            features.add("sequences checked after rollback");
        }
    }

    /** Keys (as text, primary key order) of the root rows the predicate selects. */
    private List<List<String>> rootKeys(Connection admin) throws SQLException {
        List<String> key = schema.root().primaryKey;
        List<List<String>> keys = new ArrayList<>();
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SELECT "
                + key.stream().map(k -> "c." + Names.quote(k) + "::text").collect(Collectors.joining(", "))
                + " FROM " + schema.qualified(schema.root()) + " AS c WHERE (" + schema.predicate + ")")) {
            while (rs.next()) {
                List<String> k = new ArrayList<>();
                for (int i = 1; i <= key.size(); i++) {
                    k.add(rs.getString(i));
                }
                keys.add(k);
            }
        }
        return keys;
    }

    private void connectPurge() throws SQLException {
        purge = db.connect();
        try (Statement st = purge.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        procs = new PostgresJobProcedures(purge, job, FRAMEWORK);
    }

    private void closePurge() {
        if (purge != null) {
            try {
                purge.close();
            } catch (SQLException ignored) {
                // a terminated session
            }
            purge = null;
        }
    }

    private void terminate(Connection admin) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?, 30000)")) {
            ps.setInt(1, pid);
            ps.execute();
        }
    }

    /** After an interruption: a new session; the run is resumed (same id) unless it had finished. */
    private boolean resumeOrFinished(Connection admin) throws SQLException {
        closePurge();
        String status = runStatus(admin);
        if (status.equals("done")) {
            return true;
        }
        check(status.equals("running"), "status of the interrupted run: " + status);
        connectPurge();
        resume(admin);
        return false;
    }

    private void resume(Connection admin) throws SQLException {
        long again = procs.beginRun(Optional.empty(), batch);
        check(again == run, "begin_run after an interruption must resume run " + run + ", started " + again);
    }

    private String runStatus(Connection admin) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT status FROM " + FRAMEWORK + ".run WHERE run_id = ?")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next(), "run " + run + " exists");
                return rs.getString(1);
            }
        }
    }

    private String lastError(Connection admin) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT r.last_error, (SELECT string_agg(l.action || ' '"
                + " || coalesce(l.table_name, '') || ': ' || coalesce(l.message, ''), ' | ' ORDER BY l.log_id)"
                + " FROM " + FRAMEWORK + ".log l WHERE l.run_id = r.run_id AND l.action IN ('error', 'retry'))"
                + " FROM " + FRAMEWORK + ".run r WHERE r.run_id = ?")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1) + " (log: " + rs.getString(2) + ")";
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------- checks

    /** Rows expected gone at the end: the closure plus the late rows. */
    private Set<String> expectedGone(String t) {
        Set<String> keys = new HashSet<>(closure.keys(t));
        keys.addAll(late.getOrDefault(t, Map.of()).keySet());
        return keys;
    }

    /** Every row the run touches, with its content before: the closure rows as they were, and the late rows. */
    private Map<String, String> purgedRows(String t) {
        Map<String, String> rows = new HashMap<>(TableRows.only(before.get(t), closure.keys(t)));
        rows.putAll(late.getOrDefault(t, Map.of()));
        return rows;
    }

    private Map<String, String> backupTables(Connection c) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT child_table, backup_table FROM " + FRAMEWORK
                + ".control WHERE job = ? AND is_primary")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), ClosureOracle.ident(FRAMEWORK) + "." + ClosureOracle.ident(rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** Invariant 1 at this moment: every row gone is a purged row and is in the committed backup, unchanged. */
    private void assertBackedUpSoFar(Connection admin) throws SQLException {
        features.add("invariant 1 checked mid-run");
        Map<String, String> backups = backupTables(admin);
        for (String t : tables) {
            Map<String, String> now = TableRows.of(admin, t);
            Map<String, String> was = new HashMap<>(before.get(t));
            was.putAll(late.getOrDefault(t, Map.of()));
            Set<String> gone = TableRows.missing(was, now);
            Set<String> appeared = new HashSet<>(now.keySet());
            appeared.removeAll(was.keySet());
            check(appeared.isEmpty(), t + ": rows appeared that nobody inserted: " + appeared);
            Set<String> wrong = new HashSet<>(gone);
            wrong.removeAll(expectedGone(t));
            check(wrong.isEmpty(), t + ": rows deleted that are not in the closure: " + wrong);
            Set<String> changed = new HashSet<>(TableRows.changed(TableRows.except(was, expectedGone(t)), now));
            Map<String, String> resets = reset.getOrDefault(t, Map.of());
            changed.removeIf(k -> now.get(k).equals(resets.get(k))); // reset by the database once its parent went
            check(changed.isEmpty(), t + ": rows outside the closure changed: " + changed);
            if (!gone.isEmpty()) {
                check(backups.containsKey(t), t + ": rows deleted but no backup table");
                Map<String, String> backup = TableRows.inBackup(admin, t, backups.get(t), run);
                for (String k : gone) {
                    check(backup.containsKey(k), t + ": row " + k + " deleted but not in the committed backup (invariant 1)");
                    check(backup.get(k).equals(was.get(k)), t + ": row " + k + " deleted, its backup differs");
                }
            }
        }
    }

    /** Invariants 2, 1, 4 and 5 after a complete run. */
    private void assertPurged(Connection admin) throws SQLException {
        check(runStatus(admin).equals("done"), "run status " + runStatus(admin));
        Map<String, String> backups = backupTables(admin);
        // with children: repoint the closure is the duplicates' table alone (docs/design.md#re-pointing)
        check(backups.keySet().equals(repointKey != null ? Set.of(schema.display(schema.root()))
                        : new java.util.TreeSet<>(tables)),
                "closure tables in the control table " + backups.keySet() + " vs the schema's " + tables);
        Map<String, long[]> counts = controlCounts(admin);
        for (String t : tables) {
            Map<String, String> now = TableRows.of(admin, t);
            Map<String, String> expected = new HashMap<>(TableRows.except(before.get(t), closure.keys(t)));
            expected.putAll(reset.getOrDefault(t, Map.of()));
            String diff = TableRows.difference(now, expected);
            check(diff.isEmpty(), t + " after the purge (invariant 2): " + diff);
            if (!backups.containsKey(t)) {
                continue; // not in the closure (children: repoint): nothing backed up, nothing counted
            }
            Map<String, String> backup = TableRows.inBackup(admin, t, backups.get(t), run);
            String backupDiff = TableRows.difference(backup, purgedRows(t));
            check(backupDiff.isEmpty(), t + ": backup of run " + run + " vs the rows purged (invariant 1): " + backupDiff);
            long n = expectedGone(t).size();
            long[] c = counts.getOrDefault(t, new long[2]);
            check(c[0] == n && c[1] == n, t + ": control table counts cached " + c[0] + ", deleted " + c[1]
                    + ", expected " + n + " (nothing backed up or counted twice)");
        }
        for (RandomSchema.Table t : schema.tables) {
            if (t.outbox != null) {
                // kept: one outbox row per row deleted (closure and late rows); disabled by the job: none
                List<String> expected = new ArrayList<>(schema.outboxDisabled ? List.of()
                        : expectedGone(schema.display(t)));
                java.util.Collections.sort(expected);
                check(outbox(admin, t).equals(expected), schema.display(t) + ": the DELETE trigger's outbox holds "
                        + outbox(admin, t) + ", expected " + (schema.outboxDisabled ? "nothing (trigger disabled)"
                        : "one row per deleted row " + expected));
            }
        }
        JobProcedures p = new PostgresJobProcedures(admin, job, FRAMEWORK);
        Verification.Result v = Verification.verify(admin, p, run);
        check(v.problems().equals(expectedVerifyProblems(admin)), "verify: " + v.problems() + ", expected "
                + expectedVerifyProblems(admin));
        for (Verification.Row r : v.rows()) {
            check(r.present() == 0 && r.orphans() == 0 && r.backup() == expectedGone(r.table()).size()
                    && r.deleted() == r.backup(), "verify row " + r);
        }
        try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM " + FRAMEWORK
                + ".log WHERE run_id = ? AND action = 'error'")) {
            ps.setLong(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                check(rs.getLong(1) == 0, "errors in the log: " + lastError(admin));
            }
        }
    }

    /**
     * What verify must report (before and after the rollback, after a complete or a partial purge): what a kept DELETE
     * trigger wrote outside the closure (docs/design.md#triggers), one row per row it deleted, which the outbox holds
     * (after a complete purge its content is checked against the closure first); nothing otherwise.
     */
    private List<String> expectedVerifyProblems(Connection admin) throws SQLException {
        List<String> out = new ArrayList<>();
        for (RandomSchema.Table t : schema.tables) {
            long n = t.outbox == null ? 0 : outbox(admin, t).size();
            if (t.outbox != null && !schema.outboxDisabled && n > 0) {
                out.add("trigger " + schema.display(t) + ".outbox wrote " + n + " rows to " + schema.schema + "."
                        + t.outbox + " that declutter did not back up and rollback cannot restore (0 rows before the"
                        + " run's first delete, " + n + " at its end; rows the application wrote meanwhile count too)");
            }
        }
        return out;
    }

    private Map<String, long[]> controlCounts(Connection c) throws SQLException {
        Map<String, long[]> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT child_table, sum(rows_cached), sum(rows_deleted) FROM "
                + FRAMEWORK + ".control WHERE job = ? AND run_id = ? AND strategy = 'delete' GROUP BY child_table")) {
            ps.setString(1, job);
            ps.setLong(2, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return out;
    }

    /** The keys the DELETE trigger of {@code t} wrote into its outbox, sorted (duplicates kept). */
    private List<String> outbox(Connection admin, RandomSchema.Table t) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT src FROM " + schema.outbox(t) + " ORDER BY src")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Rolls the run back (sometimes interrupted and called again) and checks invariant 3. */
    private void rollbackAndCheck(Connection admin) throws Exception {
        Map<String, List<String>> outboxes = new HashMap<>();
        for (RandomSchema.Table t : schema.tables) {
            if (t.outbox != null) {
                outboxes.put(t.outbox, outbox(admin, t));
            }
        }
        connectPurge();
        if (rnd.nextInt(100) < 15) {
            features.add("rollback interrupted");
            final JobProcedures p = procs;
            final long r = run;
            Future<Void> f = background.submit(() -> {
                p.rollback(r);
                return null;
            });
            Thread.sleep(rnd.nextInt(15));
            terminate(admin);
            try {
                f.get(60, TimeUnit.SECONDS);
                trace.append("rollback finished before the kill; ");
            } catch (ExecutionException e) {
                trace.append("rollback killed; ");
            }
            closePurge();
            connectPurge();
        }
        procs.rollback(run);
        closePurge();
        check(runStatus(admin).equals("rolled back"), "run status after rollback: " + runStatus(admin));
        Map<String, Checksums.Sum> sums = Checksums.of(admin, tables.stream().map(ClosureOracle::quote).toList());
        for (String t : tables) {
            Map<String, String> expected = new HashMap<>(before.get(t));
            expected.putAll(late.getOrDefault(t, Map.of()));
            String diff = TableRows.difference(TableRows.of(admin, t), expected);
            check(diff.isEmpty(), t + " after rollback (invariant 3): " + diff);
            check(sums.get(ClosureOracle.quote(t)).equals(checksum(admin, expected.values())),
                    t + ": checksum after rollback " + sums.get(ClosureOracle.quote(t)) + " (invariant 3)");
        }
        Verification.Result v = Verification.verify(admin, new PostgresJobProcedures(admin, job, FRAMEWORK), run);
        check(v.problems().equals(expectedVerifyProblems(admin)), "verify after rollback: " + v.problems()
                + ", expected " + expectedVerifyProblems(admin));
        for (RandomSchema.Table t : schema.tables) {
            if (t.outbox != null) {
                // the rollback neither fires the trigger nor undoes what it wrote (docs/design.md#triggers)
                check(outbox(admin, t).equals(outboxes.get(t.outbox)), schema.display(t) + ": outbox changed by the"
                        + " rollback: " + outboxes.get(t.outbox) + " -> " + outbox(admin, t));
            }
        }
        for (RandomSchema.Table t : schema.tables) {
            for (RandomSchema.Column c : t.columns) {
                if (c.identity != RandomSchema.Identity.NONE) {
                    assertSequenceAhead(admin, t, c);
                }
            }
        }
        assertSequences(admin);
    }

    private void assertSequenceAhead(Connection admin, RandomSchema.Table t, RandomSchema.Column c) throws SQLException {
        String seq;
        try (PreparedStatement ps = admin.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, schema.qualified(t));
            ps.setString(2, c.name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getString(1);
            }
        }
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SELECT s.last_value, s.is_called,"
                + " (SELECT max(" + Names.quote(c.name) + ") FROM " + schema.qualified(t) + ") FROM " + seq + " AS s")) {
            rs.next();
            long next = rs.getBoolean(2) ? rs.getLong(1) + 1 : rs.getLong(1);
            long max = rs.getLong(3);
            check(rs.wasNull() || next > max, schema.display(t) + "." + c.name + ": identity would hand out " + next
                    + ", the column's max is " + max);
        }
    }

    /** What {@link Checksums} gives for a table holding rows with these md5s. */
    static Checksums.Sum checksum(Connection c, java.util.Collection<String> rowMd5s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), COALESCE(md5(string_agg(h, '' ORDER BY h)), '-')"
                + " FROM unnest(?::text[]) AS h")) {
            ps.setArray(1, c.createArrayOf("text", rowMd5s.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Checksums.Sum(rs.getLong(1), rs.getString(2));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- cleanup

    private void cleanUp(Connection admin) throws SQLException {
        List<String> drops = new ArrayList<>();
        drops.add("DROP SCHEMA IF EXISTS " + Names.quote(schema.schema) + " CASCADE");
        try (Statement st = admin.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + FRAMEWORK + "'"
                    + " AND c.relkind = 'r' AND c.relname IN (SELECT backup_table FROM " + FRAMEWORK
                    + ".control WHERE job = '" + job + "')")) {
                while (rs.next()) {
                    drops.add("DROP TABLE " + rs.getString(1));
                }
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState()) && !"3F000".equals(e.getSQLState())) {
                    throw e;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n"
                    + " ON n.oid = p.pronamespace WHERE n.nspname = '" + FRAMEWORK + "' AND p.proname LIKE '"
                    + job.replace("_", "\\_") + "\\_%'")) {
                while (rs.next()) {
                    drops.add("DROP ROUTINE " + rs.getString(1));
                }
            }
            admin.setAutoCommit(false);
            for (String d : drops) {
                st.execute(d);
            }
            admin.commit();
            admin.setAutoCommit(true);
            // the job's rows in the framework tables (its runs too: an attempt interrupted by a server restart
            // leaves an unfinished run, which would stop the next install of the job)
            st.execute("DO $$ BEGIN IF to_regclass('" + FRAMEWORK + ".control') IS NOT NULL THEN"
                    + " DELETE FROM " + FRAMEWORK + ".control WHERE job = '" + job + "';"
                    + " DELETE FROM " + FRAMEWORK + ".log WHERE run_id IN (SELECT run_id FROM " + FRAMEWORK
                    + ".run WHERE job = '" + job + "');"
                    + " IF to_regclass('" + FRAMEWORK + ".trigger_effect') IS NOT NULL THEN DELETE FROM " + FRAMEWORK
                    + ".trigger_effect WHERE run_id IN (SELECT run_id FROM " + FRAMEWORK + ".run WHERE job = '" + job
                    + "'); END IF;"
                    + " DELETE FROM " + FRAMEWORK + ".run_key WHERE run_id IN (SELECT run_id FROM " + FRAMEWORK
                    + ".run WHERE job = '" + job + "');"
                    + " DELETE FROM " + FRAMEWORK + ".run WHERE job = '" + job + "'; END IF; END $$");
        }
    }

    /** Runs a script in one transaction (one commit instead of one per statement: much faster). */
    private static void inTransaction(Connection c, String script) throws SQLException {
        c.setAutoCommit(false);
        try {
            SqlScripts.run(c, script);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            fail(message);
        }
    }

    private void fail(String message) {
        throw new AssertionError(message);
    }
}
