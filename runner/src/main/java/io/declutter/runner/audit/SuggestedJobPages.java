package io.declutter.runner.audit;

import io.declutter.config.ConfigException;
import io.declutter.config.JobFileReader;
import io.declutter.dialect.Dialect;
import io.declutter.model.Catalog;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Job;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.picture.PlanPictures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plan pages of the jobs an audit suggests (docs/audit.md#html): each suggested job is planned against the
 * audited database, as {@code plan --html} would plan it, and its page written beside the audit's page as
 * {@code <audit page>.<job>.plan.html}, which the audit's page links to. Planning reads the catalog only, so the
 * audit stays read-only.
 */
public final class SuggestedJobPages {

    /** Where a suggested job's plan page is, or why there is none. */
    public record Page(String job, String href, String problem) {
    }

    private SuggestedJobPages() {
    }

    /**
     * Plans every suggested job of {@code audit} and writes its page next to {@code auditPage}; by job name.
     * A suggestion that cannot be planned gets no page, and its problem instead.
     */
    public static Map<String, Page> write(Path auditPage, AuditReport.Audit audit, Connection c, Dialect dialect)
            throws SQLException {
        Map<String, Page> pages = new TreeMap<>();
        Catalog catalog = null;
        for (Finding f : audit.findings()) {
            if (f.suggestion() == null || !f.suggestion().startsWith("job: ")) {
                continue;
            }
            Job job;
            try {
                job = JobFileReader.parse("the job suggested for " + f.table(), f.suggestion()).job();
            } catch (ConfigException | InvalidJobException e) {
                throw new IllegalStateException("the audit suggested a job it cannot read: " + e.getMessage(), e);
            }
            if (catalog == null) {
                catalog = dialect.readCatalog(c);
            }
            String name = stem(auditPage) + "." + job.name() + ".plan.html";
            String page;
            try {
                page = PlanPictures.page(dialect.plan(catalog, job), catalog);
            } catch (InvalidJobException e) {
                pages.put(job.name(), new Page(job.name(), null, e.getMessage()));
                continue;
            }
            try {
                Files.writeString(auditPage.resolveSibling(name), page, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserError(ExitCodes.BAD_INPUT, "--html: cannot write " + auditPage.resolveSibling(name)
                        + ": " + e.getMessage(), e);
            }
            pages.put(job.name(), new Page(job.name(), href(name), null));
        }
        return pages;
    }

    /** A relative link to a file beside the page: "./" so that a colon is no scheme, spaces and '#' escaped. */
    static String href(String fileName) {
        try {
            return new java.net.URI(null, null, "./" + fileName, null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("file name " + fileName + ": " + e.getMessage(), e);
        }
    }

    /** The page's file name without {@code .html}. */
    static String stem(Path page) {
        String name = page.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".html") ? name.substring(0, name.length() - 5)
                : name;
    }
}
