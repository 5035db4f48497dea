package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.GeneratedFile;
import io.declutter.model.DatabaseRoles;
import io.declutter.model.DeleteTrigger;
import io.declutter.model.InvalidJobException;
import io.declutter.model.TableName;
import io.declutter.model.PurgePlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders everything a PostgreSQL deployment of a job consists of ({@code PostgresDialect#generate} hands plans
 * here; Oracle has its own generator): one SQL file per database object, a Liquibase changelog with one
 * changeset per framework object, per purged table (its files) and per job procedure, and {@code install.sql} (all
 * objects in deploy order, for {@code psql -f}).
 * Output depends only on the plan and the job's window, never on the clock or the data, so it is byte-for-byte
 * reproducible. This is the one way files are generated: {@code declutter generate} and {@code deploy} call it too.
 */
public final class Generator {

    private final Dialect dialect;
    private final TemplateRenderer renderer = new TemplateRenderer();

    public Generator(Dialect dialect) {
        this.dialect = dialect;
    }

    public List<GeneratedFile> generate(PurgePlan plan) {
        if (!plan.errors().isEmpty()) {
            throw new InvalidJobException("job " + plan.job().name() + " cannot be generated: "
                    + plan.errors().stream().map(f -> f.message()).collect(Collectors.joining("; ")));
        }
        JobView job = new JobViewBuilder(dialect, plan).build();
        String folder = dialect.name();
        List<GeneratedFile> objects = new ArrayList<>();
        for (String object : PostgresObjects.FRAMEWORK) {
            Map<String, Object> model = Map.of("schema", job.schema());
            objects.add(new GeneratedFile("framework/" + object + ".sql",
                    renderer.render(folder + "/framework", object, model), "framework-" + object));
        }
        // Everything one purged table needs is one changeset (docs/benchmark.md#the-deploy): its backup table, the
        // record tables of the SET NULL keys into it, the procedure of its late rows and its delete procedure. Each is
        // still a file of its own, reviewable table by table; a changeset per file cost Liquibase's bookkeeping (a
        // transaction and a DATABASECHANGELOG row) three times per table.
        Map<String, List<GeneratedFile>> perTable = new java.util.LinkedHashMap<>();
        for (TableView t : job.restoreOrder()) {
            perTable.put(t.display(), new ArrayList<>());
            Map<String, Object> model = new HashMap<>();
            model.put("job", job);
            model.put("t", t);
            addToTable(perTable, job, t, job.backupFile(t), renderer.render(folder + "/job", "backup_table", model));
        }
        for (NullifyView n : job.nullifies()) {
            Map<String, Object> model = new HashMap<>();
            model.put("job", job);
            model.put("n", n);
            String file = String.format("nullify_%03d_", n.edgeId()) + n.childDisplay().replaceAll("[^A-Za-z0-9_]", "_");
            // a SET NULL key is reset when its parent's rows are deleted: the parent is always a purged table
            addToTable(perTable, job, n.parent(), file, renderer.render(folder + "/job", "nullify_table", model));
        }
        for (LateView l : job.late()) {
            addToTable(perTable, job, l.table(), job.lateFile(l.table()),
                    renderBody(folder + "/job", "late_table", job, Map.of("l", l)));
        }
        for (TableView t : job.tables()) {
            addToTable(perTable, job, t, job.deleteFile(t),
                    renderBody(folder + "/job", "delete_table", job, Map.of("t", t)));
        }
        perTable.values().forEach(objects::addAll);
        for (String object : PostgresObjects.JOB) {
            if (object.equals("triggers") && !job.triggers().any()) {
                continue;
            }
            if (object.equals("step")) {
                // the procedures the step dispatches to come first: one for the cache, and the one the delete
                // procedures call those of the late rows through, by progress edge (the tables' own are above)
                objects.add(new GeneratedFile(job.name() + "/cache_next.sql",
                        renderBody(folder + "/job", "cache_next", job, Map.of()), job.name() + "-cache_next"));
                if (!job.late().isEmpty()) {
                    objects.add(new GeneratedFile(job.name() + "/late.sql",
                            renderBody(folder + "/job", "late", job, Map.of()), job.name() + "-late"));
                }
            }
            objects.add(new GeneratedFile(job.name() + "/" + object + ".sql",
                    renderBody(folder + "/job", object, job, Map.of()), job.name() + "-" + object));
        }
        List<GeneratedFile> files = new ArrayList<>(objects);
        files.add(new GeneratedFile("changelog.xml",
                renderer.render(folder, "changelog", Map.of("job", job, "changeSets", ChangeSetView.of(objects))), null));
        files.add(new GeneratedFile("install.sql",
                renderer.render(folder, "install", Map.of("job", job, "files", objects)), null));
        return files;
    }

    /** Adds a file of table {@code t} to its changeset, the one per purged table. */
    private static void addToTable(Map<String, List<GeneratedFile>> perTable, JobView job, TableView t, String file,
                                   String content) {
        List<GeneratedFile> files = perTable.get(t.display());
        if (files == null) {
            throw new IllegalStateException(file + ": " + t.display() + " is not a purged table of job " + job.name());
        }
        files.add(new GeneratedFile(job.name() + "/" + file + ".sql", content, job.tableChangeSet(t)));
    }

    /**
     * {@code roles.sql} (docs/roles.md): the job's least-privilege roles, the owner's rights on the application tables,
     * and who may call what. Not part of install.sql or the changelog: roles belong to the whole server, and a DBA
     * runs this file after each deploy (a deploy replaces the procedures, which drops their SECURITY DEFINER).
     */
    public GeneratedFile roles(PurgePlan plan, DatabaseRoles roles) {
        if (!plan.errors().isEmpty()) {
            throw new InvalidJobException("job " + plan.job().name() + " cannot be generated: "
                    + plan.errors().stream().map(f -> f.message()).collect(Collectors.joining("; ")));
        }
        JobView job = new JobViewBuilder(dialect, plan).build();
        String schema = job.schema() + ".";
        java.util.function.Function<String, String> bare = q -> q.startsWith(schema) ? q.substring(schema.length()) : q;
        java.util.function.Function<TableName, String> q = t -> dialect.qualify(t.schema(), t.name());

        java.util.SortedSet<String> schemas = new java.util.TreeSet<>();
        java.util.Set<TableName> purged = new java.util.TreeSet<>();
        plan.tables().forEach(t -> purged.add(t.name()));
        java.util.Set<TableName> nullified = new java.util.TreeSet<>();
        plan.nullified().forEach(n -> nullified.add(n.child().name()));
        nullified.removeAll(purged);
        java.util.Set<TableName> written = new java.util.TreeSet<>();
        java.util.Set<TableName> disabling = new java.util.TreeSet<>();
        for (DeleteTrigger d : plan.deleteTriggers()) {
            if (d.disabled()) {
                disabling.add(d.table());
            } else {
                written.addAll(d.outside());
            }
        }
        written.removeAll(purged);
        java.util.stream.Stream.of(purged, nullified, written).flatMap(java.util.Set::stream)
                .forEach(t -> schemas.add(dialect.quote(t.schema())));

        List<String> definer = new ArrayList<>();
        definer.add(bare.apply(job.proc("step")));
        definer.add(bare.apply(job.proc("cache_next")));
        job.late().forEach(l -> definer.add(bare.apply(job.lateProc(l.table()))));
        if (!job.late().isEmpty()) {
            definer.add(bare.apply(job.proc("late")));
        }
        job.tables().forEach(t -> definer.add(bare.apply(job.deleteProc(t))));
        definer.add(bare.apply(job.proc("check_fks")));
        if (job.triggers().any()) {
            definer.add(bare.apply(job.proc("triggers")));
            definer.add(bare.apply(job.proc("trigger_effect")));
        }
        if (job.backup()) {
            definer.add(bare.apply(job.proc("rollback_unit")));
        }
        definer.add(bare.apply(job.proc("verify")));
        definer.add(bare.apply(job.proc("rehearse")));
        List<String> invoker = List.of(bare.apply(job.proc("cache")), bare.apply(job.proc("delete")),
                bare.apply(job.proc("rollback")));
        List<String> operatorCalls = List.of("begin_run", "request_pause", "note_error", bare.apply(job.proc("step")),
                bare.apply(job.proc("cache")), bare.apply(job.proc("delete")), bare.apply(job.proc("rehearse")));
        List<String> viewerCalls = List.of("remaining", bare.apply(job.proc("verify")));
        List<String> restorerCalls = job.backup()
                ? List.of(bare.apply(job.proc("rollback")), bare.apply(job.proc("rollback_unit")))
                : List.of(bare.apply(job.proc("rollback")));

        List<RolesView.Role> list = List.of(
                role(roles.owner(), "owner", roles), role(roles.operator(), "operator", roles),
                role(roles.viewer(), "viewer", roles), role(roles.restorer(), "restorer", roles));
        List<String> backups = new ArrayList<>();
        job.restoreOrder().forEach(t -> backups.add(t.backup()));
        job.nullifies().forEach(n -> backups.add(n.backup()));
        List<SequenceView> sequences = new ArrayList<>();
        job.restoreOrder().forEach(t -> sequences.addAll(t.sequences()));
        RolesView view = new RolesView(list.get(0).name(), list.get(1).name(), list.get(2).name(), list.get(3).name(),
                list, List.copyOf(schemas), purged.stream().map(q).toList(), nullified.stream().map(q).toList(),
                written.stream().map(q).toList(), disabling.stream().map(q).toList(), sequences, backups, definer,
                invoker, operatorCalls, viewerCalls, restorerCalls);
        return new GeneratedFile("roles.sql", renderBody(dialect.name(), "roles", job, Map.of("roles", view)), null);
    }

    private RolesView.Role role(String name, String duty, DatabaseRoles roles) {
        return new RolesView.Role(dialect.quote(name), Sql.literal(name), duty, roles.isNamed(name));
    }

    /**
     * Renders an object whose body is dollar-quoted ({@code $proc$}, {@code $fn$}, {@code $do$}) with tags that occur
     * nowhere else in it: a table, column or constraint name holding {@code $proc$} would otherwise end the body
     * early (the rest becoming SQL of its own). The usual tags are kept whenever they are free, so the output only
     * changes for such names; otherwise a numbered tag ({@code $proc1$}, ...) is taken, the first one that is free.
     */
    private String renderBody(String folder, String object, JobView job, Map<String, Object> extra) {
        for (int i = 0; ; i++) {
            String suffix = i == 0 ? "" : Integer.toString(i);
            Map<String, String> tags = Map.of("proc", "$proc" + suffix + "$", "fn", "$fn" + suffix + "$",
                    "block", "$do" + suffix + "$");
            Map<String, Object> model = new HashMap<>(extra);
            model.put("job", job);
            model.put("tags", tags);
            String out = renderer.render(folder, object, model);
            // each tag opens and closes at most one body: anything beyond that comes from a name
            if (tags.values().stream().allMatch(tag -> occurrences(out, tag) == 0 || occurrences(out, tag) == 2)) {
                return out;
            }
        }
    }

    private static int occurrences(String text, String tag) {
        int n = 0;
        for (int at = text.indexOf(tag); at >= 0; at = text.indexOf(tag, at + 1)) {
            n++;
        }
        return n;
    }
}
