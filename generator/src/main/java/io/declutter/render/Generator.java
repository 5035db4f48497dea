package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.GeneratedFile;
import io.declutter.model.InvalidJobException;
import io.declutter.model.PurgePlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders everything a PostgreSQL deployment of a job consists of ({@code PostgresDialect#generate} hands plans
 * here; Oracle has its own generator): one SQL file per database object, a Liquibase changelog with one
 * changeset per file, and {@code install.sql} (all objects in deploy order, for {@code psql -f}).
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
        for (TableView t : job.restoreOrder()) {
            Map<String, Object> model = new HashMap<>();
            model.put("job", job);
            model.put("t", t);
            // File names stay portable whatever the table is called; the edge id keeps them unique.
            String file = String.format("backup_%03d_", t.primaryEdge()) + t.display().replaceAll("[^A-Za-z0-9_]", "_");
            objects.add(new GeneratedFile(job.name() + "/" + file + ".sql",
                    renderer.render(folder + "/job", "backup_table", model), job.name() + "-" + file));
        }
        for (NullifyView n : job.nullifies()) {
            Map<String, Object> model = new HashMap<>();
            model.put("job", job);
            model.put("n", n);
            String file = String.format("nullify_%03d_", n.edgeId()) + n.childDisplay().replaceAll("[^A-Za-z0-9_]", "_");
            objects.add(new GeneratedFile(job.name() + "/" + file + ".sql",
                    renderer.render(folder + "/job", "nullify_table", model), job.name() + "-" + file));
        }
        for (String object : PostgresObjects.JOB) {
            if (object.equals("triggers") && !job.triggers().any()) {
                continue;
            }
            if (object.equals("step")) {
                // the procedures the step dispatches to come first: one for the cache, one per finished table's late
                // rows (called by the batches above it), one per table's batch
                objects.add(new GeneratedFile(job.name() + "/cache_next.sql",
                        renderBody(folder + "/job", "cache_next", job, Map.of()), job.name() + "-cache_next"));
                for (LateView l : job.late()) {
                    String file = job.lateFile(l.table());
                    objects.add(new GeneratedFile(job.name() + "/" + file + ".sql",
                            renderBody(folder + "/job", "late_table", job, Map.of("l", l)), job.name() + "-" + file));
                }
                for (TableView t : job.tables()) {
                    String file = job.deleteFile(t);
                    objects.add(new GeneratedFile(job.name() + "/" + file + ".sql",
                            renderBody(folder + "/job", "delete_table", job, Map.of("t", t)), job.name() + "-" + file));
                }
            }
            objects.add(new GeneratedFile(job.name() + "/" + object + ".sql",
                    renderBody(folder + "/job", object, job, Map.of()), job.name() + "-" + object));
        }
        List<GeneratedFile> files = new ArrayList<>(objects);
        files.add(new GeneratedFile("changelog.xml",
                renderer.render(folder, "changelog", Map.of("job", job, "files", objects)), null));
        files.add(new GeneratedFile("install.sql",
                renderer.render(folder, "install", Map.of("job", job, "files", objects)), null));
        return files;
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
