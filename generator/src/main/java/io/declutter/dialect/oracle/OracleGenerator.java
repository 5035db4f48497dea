package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import io.declutter.model.Column;
import io.declutter.model.DatabaseRoles;
import io.declutter.model.Edge;
import io.declutter.model.ForeignKey;
import io.declutter.model.Identity;
import io.declutter.model.InvalidJobException;
import io.declutter.model.NullifiedEdge;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Strategy;
import io.declutter.model.TableName;
import io.declutter.model.Window;
import io.declutter.plan.PurgeAnalysis;
import io.declutter.render.JobView;
import io.declutter.render.JobViewBuilder;
import io.declutter.render.NullifyView;
import io.declutter.render.TableView;
import io.declutter.render.TemplateRenderer;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders everything an Oracle deployment of a job consists of: the framework tables and procedures, one backup
 * table per closure table, the control rows, and one PL/SQL package per job (spec and body), each as its own
 * file; {@code changelog.xml} (Liquibase, {@code /} as end delimiter) and {@code install.sql} (SQL*Plus/SQLcl) hold
 * them in deploy order. Three files a DBA runs by hand are written next to them and deployed by neither:
 * {@code setup_schema.sql}, {@code <job>/grants.sql} and the optional {@code <job>/scheduler.sql}.
 * Output depends only on the plan and the window, never on the clock or the data.
 */
public final class OracleGenerator {

    /** Framework objects shared by all jobs, in deploy order: tables first, then the code and the view. */
    static final List<String> FRAMEWORK = List.of(
            "schema", "run", "run_key", "control", "log", "archive", "archive_batch", "api_request",
            "lock_job", "begin_run", "note_cache", "note_delete", "note_catchup", "note_error", "note_restore",
            "finish_run", "remaining", "request_pause", "identity", "sequence", "progress");

    /** Per-job objects after the backup and record tables. */
    static final List<String> JOB = List.of("control_rows", "package", "package_body");

    /** Names the job's package must not take: the framework's own objects. */
    private static final Set<String> RESERVED_NAMES = Set.of("RUN", "RUN_KEY", "CONTROL", "LOG", "ARCHIVE",
            "ARCHIVE_BATCH", "API_REQUEST", "RUN_EXPIRED_GUARD", "LOCK_JOB",
            "BEGIN_RUN", "NOTE_CACHE", "NOTE_DELETE", "NOTE_CATCHUP", "NOTE_ERROR", "NOTE_RESTORE", "FINISH_RUN",
            "REMAINING", "REQUEST_PAUSE", "OPEN_IDENTITY", "SYNC_IDENTITY", "SYNC_SEQUENCES", "PROGRESS");

    private static final int MAX_RUNTIME_KEY_PARTS = 8;

    private final OracleDialect dialect;
    private final TemplateRenderer renderer = new TemplateRenderer();

    public OracleGenerator(OracleDialect dialect) {
        this.dialect = dialect;
    }

    public List<GeneratedFile> generate(PurgePlan plan) {
        return generate(plan, Window.ALWAYS);
    }

    /**
     * The files of a plan made with Oracle's naming rules ({@link OracleDialect#plan}: backup tables already carry
     * their Oracle spelling).
     */
    public List<GeneratedFile> generate(PurgePlan plan, Window window) {
        if (!plan.errors().isEmpty()) {
            throw new InvalidJobException("job " + plan.job().name() + " cannot be generated: "
                    + plan.errors().stream().map(f -> f.message()).collect(Collectors.joining("; ")));
        }
        refuseWhatOracleCannotDo(plan);
        JobView job = new JobViewBuilder(dialect, plan).build();
        OracleJobView ora = oracleView(plan, job, window);

        List<GeneratedFile> objects = new ArrayList<>();
        for (String object : FRAMEWORK) {
            objects.add(new GeneratedFile("framework/" + object + ".sql",
                    renderer.render("oracle/framework", object, frameworkModel(job, ora)), "framework-" + object));
        }
        for (TableView t : job.restoreOrder()) {
            Map<String, Object> model = jobModel(job, ora);
            model.put("t", t);
            String file = String.format("backup_%03d_", t.primaryEdge()) + t.display().replaceAll("[^A-Za-z0-9_]", "_");
            objects.add(new GeneratedFile(job.name() + "/" + file + ".sql",
                    renderer.render("oracle/job", "backup_table", model), job.name() + "-" + file));
        }
        for (NullifyView n : job.nullifies()) {
            Map<String, Object> model = jobModel(job, ora);
            model.put("n", n);
            String file = String.format("nullify_%03d_", n.edgeId()) + n.childDisplay().replaceAll("[^A-Za-z0-9_]", "_");
            objects.add(new GeneratedFile(job.name() + "/" + file + ".sql",
                    renderer.render("oracle/job", "nullify_table", model), job.name() + "-" + file));
        }
        for (String object : JOB) {
            if (object.equals("package") && job.tables().stream().anyMatch(t -> t.unit() != null)) {
                // a deferred unit grows each batch into a set of rows held in a global temporary table
                objects.add(new GeneratedFile(job.name() + "/unit_set.sql",
                        renderer.render("oracle/job", "unit_set", jobModel(job, ora)), job.name() + "-unit_set"));
            }
            objects.add(new GeneratedFile(job.name() + "/" + object + ".sql",
                    renderer.render("oracle/job", object, jobModel(job, ora)), job.name() + "-" + object));
        }
        List<GeneratedFile> files = new ArrayList<>(objects);
        Map<String, Object> all = jobModel(job, ora);
        all.put("files", objects);
        files.add(new GeneratedFile("changelog.xml", renderer.render("oracle", "changelog", all), null));
        files.add(new GeneratedFile("install.sql", renderer.render("oracle", "install", all), null));
        files.add(new GeneratedFile("setup_schema.sql", renderer.render("oracle", "setup_schema", frameworkModel(job, ora)),
                null));
        files.add(new GeneratedFile(job.name() + "/grants.sql", renderer.render("oracle/job", "grants", jobModel(job, ora)),
                null));
        files.add(new GeneratedFile(job.name() + "/scheduler.sql",
                renderer.render("oracle/job", "scheduler", jobModel(job, ora)), null));
        return files;
    }

    /**
     * {@code roles.sql} for Oracle (docs/roles.md, docs/oracle.md#roles): the viewer, operator and restorer roles,
     * one definer-rights package per duty that calls the job's package (EXECUTE on a package grants every procedure
     * in it, so the duties need packages of their own), and the grants. The framework schema is the owner: definer
     * rights run as it, with the privileges grants.sql gives it directly.
     */
    public GeneratedFile roles(PurgePlan plan, DatabaseRoles roles) {
        if (!plan.errors().isEmpty()) {
            throw new InvalidJobException("job " + plan.job().name() + " cannot be generated: "
                    + plan.errors().stream().map(f -> f.message()).collect(Collectors.joining("; ")));
        }
        refuseWhatOracleCannotDo(plan);
        JobView job = new JobViewBuilder(dialect, plan).build();
        OracleJobView ora = oracleView(plan, job, Window.ALWAYS);
        String jobUpper = plan.job().name().toUpperCase(Locale.ROOT);
        int max = dialect.maxIdentifierBytes();
        Map<String, Object> model = jobModel(job, ora);
        List<Map<String, Object>> list = new ArrayList<>();
        for (String[] r : new String[][] {{roles.viewer(), "viewer"}, {roles.operator(), "operator"},
                {roles.restorer(), "restorer"}}) {
            String upper = r[0].toUpperCase(Locale.ROOT);
            list.add(Map.of("name", dialect.quote(upper), "literal", "'" + upper + "'", "duty", r[1],
                    "named", roles.isNamed(r[0])));
        }
        model.put("roles", list);
        model.put("viewer", list.get(0).get("name"));
        model.put("operator", list.get(1).get("name"));
        model.put("restorer", list.get(2).get("name"));
        model.put("ownerNamed", roles.isNamed(roles.owner()));
        model.put("operatePkg", dialect.qualify(ora.schemaName(), OracleNames.derived(jobUpper, "_OPERATE", max)));
        model.put("restorePkg", dialect.qualify(ora.schemaName(), OracleNames.derived(jobUpper, "_RESTORE", max)));
        model.put("viewPkg", dialect.qualify(ora.schemaName(), OracleNames.derived(jobUpper, "_VIEW", max)));
        return new GeneratedFile("roles.sql", renderer.render("oracle", "roles", model), null);
    }

    private static Map<String, Object> frameworkModel(JobView job, OracleJobView ora) {
        Map<String, Object> model = new HashMap<>();
        model.put("schema", job.schema());
        model.put("schemaName", ora.schemaName());
        model.put("ora", ora);
        return model;
    }

    private static Map<String, Object> jobModel(JobView job, OracleJobView ora) {
        Map<String, Object> model = new HashMap<>();
        model.put("job", job);
        model.put("ora", ora);
        return model;
    }

    /** What no Oracle package can do, refused with what to do instead. */
    private void refuseWhatOracleCannotDo(PurgePlan plan) {
        String name = plan.job().name();
        if (RESERVED_NAMES.contains(name.toUpperCase(Locale.ROOT))) {
            throw new InvalidJobException("job " + name + ": on Oracle the job's package is named after the job, and "
                    + name.toUpperCase(Locale.ROOT) + " is one of declutter's own objects in schema "
                    + dialect.frameworkSchema() + ". Rename the job (e.g. " + name + "_purge).");
        }
        plan.deleteTriggers().stream().filter(d -> d.disabled()).findFirst().ifPresent(d -> {
            // ALTER TRIGGER is DDL, which Oracle commits at once: it cannot be confined to a delete batch's
            // transaction, so a failure between disable and enable would leave the trigger off for the application.
            throw new InvalidJobException("job " + name + ": 'triggers.disable' names " + d.display() + ", but on"
                    + " Oracle disabling a trigger (ALTER TRIGGER ... DISABLE) is DDL that commits immediately, so it"
                    + " cannot be undone with a failed batch and could leave the trigger disabled: declutter does not do"
                    + " it there. Remove 'triggers' from the job file (plan warns about the trigger), or disable it"
                    + " yourself for the purge window.");
        });
        for (PurgeTable t : plan.tables()) {
            for (Column c : t.columns()) {
                if (c.type().equals("LONG") || c.type().equals("LONG RAW")) {
                    throw new InvalidJobException("job " + name + ": column " + t.name() + "." + c.name() + " is "
                            + c.type() + ", which INSERT ... SELECT cannot copy into a backup (ORA-00997). Convert it"
                            + " to " + (c.type().equals("LONG") ? "CLOB" : "BLOB") + " (ALTER TABLE ... MODIFY),"
                            + " or exclude " + t.name() + " from the job.");
                }
            }
        }
        if (plan.job().keysAtRunTime()) {
            PurgeTable root = plan.table(plan.job().root()).orElseThrow();
            if (root.key().columns().size() > MAX_RUNTIME_KEY_PARTS) {
                throw new InvalidJobException("job " + name + ": the key of " + root.name() + " has "
                        + root.key().columns().size() + " columns; keys given at run time have at most "
                        + MAX_RUNTIME_KEY_PARTS + " parts on Oracle. Select the root rows with 'root.where' instead.");
            }
        }
    }

    private OracleJobView oracleView(PurgePlan plan, JobView job, Window window) {
        String schemaName = dialect.frameworkSchema();
        String pkgName = dialect.quote(plan.job().name().toUpperCase(Locale.ROOT));
        int lockWait = (int) Math.max(1, (plan.job().lockTimeout().toMillis() + 999) / 1000);

        Map<String, OracleViews.Table> tables = new HashMap<>();
        for (PurgeTable t : plan.tables()) {
            TableView view = job.tables().stream().filter(v -> v.display().equals(t.name().display())).findFirst()
                    .orElseThrow();
            List<String> kept = view.backupColumns().stream().map(c -> c.name()).toList();
            List<OracleViews.BackupColumn> columns = t.columns().stream()
                    .filter(c -> kept.contains(dialect.quote(c.name())))
                    .map(c -> new OracleViews.BackupColumn(c.name(), dialect.quote(c.name()), c.type())).toList();
            List<OracleViews.IdentityColumn> identities = plan.job().backup() ? t.columns().stream()
                    .filter(c -> c.identity() != Identity.NONE)
                    .map(c -> new OracleViews.IdentityColumn(c.name(), c.identity() == Identity.ALWAYS ? "ALWAYS"
                            : "BY DEFAULT")).toList() : List.of();
            List<String> lobs = columns.stream().filter(c -> isLob(c.type())).map(OracleViews.BackupColumn::raw).toList();
            String backupPk = OracleNames.derived(t.backupTable(), "_PK", dialect.maxIdentifierBytes());
            String index = OracleNames.derived(t.backupTable(), "_IX", dialect.maxIdentifierBytes());
            String sequence = OracleNames.derived(t.backupTable(), "_SQ", dialect.maxIdentifierBytes());
            tables.put(t.name().display(), new OracleViews.Table(t.name().display(), t.name().schema(), t.name().name(),
                    t.backupTable(), dialect.quote(backupPk), dialect.qualify(schemaName, index), index,
                    dialect.qualify(schemaName, sequence), sequence, columns, identities, lobs,
                    t.childrenFirst() ? treeConnect(plan, t) : ""));
        }
        Map<Integer, OracleViews.Nullify> nullifies = new HashMap<>();
        for (NullifiedEdge n : plan.nullified()) {
            nullifies.put(n.edge().id(), new OracleViews.Nullify(n.edge().id(), n.backupTable(),
                    dialect.quote(OracleNames.derived(n.backupTable(), "_PK", dialect.maxIdentifierBytes()))));
        }

        String jobUpper = plan.job().name().toUpperCase(Locale.ROOT);
        String schedulerName = OracleNames.derived(jobUpper, "_NIGHTLY", dialect.maxIdentifierBytes());
        String unitSet = OracleNames.derived("DU_" + jobUpper, "_SET", dialect.maxIdentifierBytes());
        LocalTime start = window.start().orElse(LocalTime.of(22, 0));
        long minutes = window.start().isPresent()
                ? Math.floorMod(Duration.between(window.start().get(), window.end().orElseThrow()).toMinutes(), 1440)
                : 7 * 60;
        if (window.maxDuration().isPresent()) {
            minutes = Math.min(minutes, Math.max(1, window.maxDuration().get().toMinutes()));
        }
        String deadline = dialect.frameworkSchema() + ".BEGIN_RUN";
        String action = "DECLARE\n    v_run NUMBER;\n    v_deadline TIMESTAMP WITH TIME ZONE := SYSTIMESTAMP + NUMTODSINTERVAL("
                + minutes + ", 'MINUTE');\nBEGIN\n    v_run := " + deadline + "(" + job.nameLiteral() + ", v_deadline, "
                + plan.job().batchSize() + ");\n    COMMIT;\n    " + dialect.qualify(schemaName,
                plan.job().name().toUpperCase(Locale.ROOT)) + ".DELETE_RUN(v_run, " + plan.job().batchSize()
                + ", v_deadline);\nEND;";
        String windowText = window.start().isPresent()
                ? "from " + window.start().get() + " to " + window.end().orElseThrow()
                        + window.maxDuration().map(d -> ", at most " + d.toMinutes() + " minutes").orElse("")
                : "the job file gives none, so 22:00 for 7 hours"
                        + window.maxDuration().map(d -> " (at most " + d.toMinutes() + " minutes)").orElse("");
        if (plan.job().keysAtRunTime()) {
            windowText += "; this job takes its root keys at run time: put them in " + schemaName
                    + ".RUN_KEY for the run first, or the nightly run purges nothing";
        }

        return new OracleJobView(dialect.qualify(schemaName, plan.job().name().toUpperCase(Locale.ROOT)), pkgName,
                schemaName, dialect.version(), dialect.longIdentifiers(), lockWait, rootFilter(plan, job),
                versionAtLeast(18) ? "DBMS_SESSION.SLEEP" : "DBMS_LOCK.SLEEP", edgeRows(plan), tables, nullifies,
                resetEdges(plan), grants(plan), dialect.qualify(schemaName, schedulerName), schedulerName, action,
                "FREQ=DAILY;BYHOUR=" + start.getHour() + ";BYMINUTE=" + start.getMinute() + ";BYSECOND=0",
                String.format("%02d:%02d", start.getHour(), start.getMinute()), minutes, windowText,
                dialect.qualify(schemaName, unitSet), unitSet,
                dialect.quote(OracleNames.derived("DU_" + jobUpper, "_SET_PK", dialect.maxIdentifierBytes())),
                plan.tables().stream().map(t -> literal(quotedPath(t.name().schema(), t.name().name()))).toList(),
                PurgeAnalysis.of(plan).knownForeignKeys().stream()
                        .map(k -> literal(quotedPath(k.child().schema(), k.child().name(), k.name()))).toList());
    }

    /** {@code "A"."B"...}: unambiguous, as Oracle names cannot hold a double quote. */
    private static String quotedPath(String... names) {
        return java.util.Arrays.stream(names).map(n -> "\"" + n + "\"").collect(Collectors.joining("."));
    }

    /** {@code (b.fk = PRIOR b.key) OR ...} over the self-references of a tree table: a backup row's children. */
    private String treeConnect(PurgePlan plan, PurgeTable t) {
        return PurgeAnalysis.of(plan).table(t.name()).selfReferences().stream()
                .map(id -> plan.edges().stream().filter(e -> e.id() == id).findFirst().orElseThrow())
                .map(e -> e.foreignKey().orElseThrow())
                .map(fk -> {
                    List<String> parts = new ArrayList<>();
                    for (int i = 0; i < fk.childColumns().size(); i++) {
                        parts.add("b." + dialect.quote(fk.childColumns().get(i)) + " = PRIOR b."
                                + dialect.quote(fk.parentColumns().get(i)));
                    }
                    return "(" + String.join(" AND ", parts) + ")";
                })
                .collect(Collectors.joining(" OR "));
    }

    private boolean versionAtLeast(int major) {
        return Integer.parseInt(dialect.version().substring(0, dialect.version().indexOf('.'))) >= major;
    }

    private static boolean isLob(String type) {
        return Set.of("CLOB", "NCLOB", "BLOB", "BFILE", "XMLTYPE").contains(type);
    }

    private String rootFilter(PurgePlan plan, JobView job) {
        if (plan.job().rootPredicate().isPresent()) {
            return "(" + plan.job().rootPredicate().get() + ")";
        }
        java.util.Optional<String> generated = io.declutter.render.RootFilter.of(plan.job(), dialect);
        if (generated.isPresent()) {
            return "(" + generated.get() + ")";
        }
        PurgeTable root = plan.table(plan.job().root()).orElseThrow();
        List<String> casts = new ArrayList<>();
        List<String> keyColumns = root.key().columns();
        for (int i = 0; i < keyColumns.size(); i++) {
            Column col = root.table().column(keyColumns.get(i)).orElseThrow();
            casts.add("CAST(k.k" + (i + 1) + " AS " + col.type() + ")");
        }
        String left = keyColumns.size() > 1 ? "(" + job.root().keyList("c") + ")" : job.root().keyList("c");
        return left + " IN (SELECT " + String.join(", ", casts) + " FROM "
                + dialect.qualify(dialect.frameworkSchema(), "RUN_KEY") + " k WHERE k.run_id = p_run)";
    }

    private List<OracleViews.EdgeRow> edgeRows(PurgePlan plan) {
        return plan.edges().stream().map(e -> {
            String backup = PurgeAnalysis.backupTable(plan, e).map(OracleGenerator::literal).orElse("NULL");
            return new OracleViews.EdgeRow(e.id(), e.parentEdgeId().map(String::valueOf).orElse("NULL"),
                    e.foreignKey().map(fk -> literal(fk.name())).orElse("NULL"),
                    literal(e.parent().display()), literal(e.child().display()),
                    e.foreignKey().map(fk -> literal(columns(fk.parentColumns()))).orElse("NULL"),
                    e.foreignKey().map(fk -> literal(columns(fk.childColumns()))).orElse("NULL"),
                    e.foreignKey().map(fk -> literal(fk.onDelete().sql())).orElse("NULL"),
                    literal(e.strategy().sql()), e.depth(), e.height(), e.cycleGroup(), e.breaksCycle() ? 1 : 0,
                    e.primary() ? 1 : 0, backup, literal(e.strategy() == Strategy.SKIP ? "skipped" : "pending"));
        }).toList();
    }

    /** Edges whose parent delete changes child rows by itself: ON DELETE CASCADE, SET NULL, SET DEFAULT. */
    private static Set<Integer> resetEdges(PurgePlan plan) {
        return PurgeAnalysis.resettingEdges(plan);
    }

    private String columns(List<String> names) {
        return names.stream().map(dialect::quote).collect(Collectors.joining(", "));
    }

    /** Per application table the job touches: what the definer-rights package needs granted directly. */
    private List<OracleViews.Grant> grants(PurgePlan plan) {
        Map<TableName, TreeSet<String>> privileges = new TreeMap<>();
        for (PurgeTable t : plan.tables()) {
            TreeSet<String> p = privileges.computeIfAbsent(t.name(), k -> new TreeSet<>());
            p.addAll(List.of("SELECT", "INSERT", "UPDATE", "DELETE"));
            if (plan.job().backup() && t.columns().stream().anyMatch(c -> c.identity() != Identity.NONE)) {
                p.add("ALTER"); // rollback: GENERATED ALWAYS -> BY DEFAULT and back, START WITH LIMIT VALUE
            }
        }
        for (NullifiedEdge n : plan.nullified()) {
            privileges.computeIfAbsent(n.foreignKey().child(), k -> new TreeSet<>()).addAll(List.of("SELECT", "UPDATE"));
        }
        if (plan.job().backup() && plan.job().rows() instanceof io.declutter.model.RootRows.OrphansOf o
                && o.key().filter(k -> !k.logical()).isPresent()) {
            // rollback disables the orphans' key for their insert if it was enabled since (docs/oracle.md)
            privileges.computeIfAbsent(plan.job().root(), k -> new TreeSet<>()).add("ALTER");
        }
        for (Edge e : plan.followedEdges()) {
            e.foreignKey().map(ForeignKey::parent).ifPresent(p -> privileges.computeIfAbsent(p, k -> new TreeSet<>())
                    .add("SELECT"));
        }
        // the check for rows inserted under a batch during its delete reads the children of such edges AS OF SCN
        Set<Integer> resets = resetEdges(plan);
        for (Edge e : plan.edges()) {
            if (resets.contains(e.id()) && e.strategy() != Strategy.SKIP) {
                privileges.computeIfAbsent(e.child(), k -> new TreeSet<>()).add("FLASHBACK");
            }
        }
        Map<TableName, String> order = new LinkedHashMap<>();
        privileges.forEach((t, p) -> order.put(t, String.join(", ", p)));
        return order.entrySet().stream()
                .map(e -> new OracleViews.Grant(e.getValue(), dialect.qualify(e.getKey().schema(), e.getKey().name())))
                .toList();
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
