package io.declutter.runner.picture;

import io.declutter.model.Catalog;
import io.declutter.model.PurgePlan;
import io.declutter.plan.ClosureGraph;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the pictures of a plan's closure that {@code plan --dot} and {@code plan --html} ask for (docs/plan-picture.md). */
public final class PlanPictures {

    private PlanPictures() {
    }

    /** Refuses, before anything is read, a file whose directory does not exist. */
    public static void checkWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserError(ExitCodes.BAD_INPUT, option + " " + file + ": the directory " + dir
                    + " does not exist; create it or name a file in an existing one");
        }
    }

    /** Writes the DOT file and the HTML page (either may be null) and says what it wrote. */
    public static String write(PurgePlan plan, Catalog catalog, Path dot, Path html) {
        if (dot == null && html == null) {
            return "";
        }
        ClosureGraph graph = ClosureGraph.of(plan, catalog);
        StringBuilder said = new StringBuilder("\nPicture of the closure (").append(graph.nodes().size())
                .append(" tables, ").append(graph.links().size()).append(" edges):");
        if (dot != null) {
            write("--dot", dot, ClosureDot.dot(graph));
            said.append(" ").append(dot).append(" (Graphviz DOT)");
        }
        if (html != null) {
            write("--html", html, ClosurePage.html(graph));
            said.append(dot != null ? "," : "").append(" ").append(html).append(" (HTML page)");
        }
        return said.append('\n').toString();
    }

    /** The HTML page of a plan, for pages that link to it (audit). */
    public static String page(PurgePlan plan, Catalog catalog) {
        return ClosurePage.html(ClosureGraph.of(plan, catalog));
    }

    private static void write(String option, Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(ExitCodes.BAD_INPUT, option + " " + file + ": cannot write it: " + e.getMessage(), e);
        }
    }
}
