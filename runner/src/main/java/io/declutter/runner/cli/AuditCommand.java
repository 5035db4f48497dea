package io.declutter.runner.cli;

import io.declutter.config.DatabaseSettings;
import io.declutter.config.JobFileReader;
import io.declutter.dialect.DatabaseAudit;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.audit.AuditPage;
import io.declutter.runner.audit.AuditReport;
import io.declutter.runner.audit.Findings;
import io.declutter.runner.audit.SuggestedJobPages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code declutter audit}: where the clutter is, read-only (docs/audit.md). */
@Command(name = "audit", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Shows where the clutter is: size, bloat, dead rows, idle tables.",
            "Per table: heap, index and TOAST size, rows, dead tuples, a statistics-based bloat estimate, last"
            + " (auto)vacuum and (auto)analyze, writes since the statistics reset; unindexed foreign keys, foreign"
            + " keys into partitions, declutter's backup tables and runs. Findings are ranked largest reclaimable"
            + " space first, with a job or statement where one fits. Reads only (ACCESS SHARE locks at most);"
            + " --save is its one write. Takes the database from -j FILE or --jdbc-url."})
final class AuditCommand implements Callable<Integer> {

    @Option(names = {"-j", "--job-file"}, paramLabel = "FILE", description = "a job or policy file whose database to"
            + " audit")
    Path jobFile;

    @Option(names = "--job", paramLabel = "NAME", description = "with -j, the job of a policy file whose database to"
            + " audit (needed when its jobs name different databases)")
    String jobName;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--exact", description = "count every table's rows (SELECT count(*)) instead of estimating")
    boolean exact;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "also write a self-contained HTML page with charts,"
            + " and beside it the plan page of each suggested job (FILE.JOB.plan.html)")
    Path html;

    @Option(names = "--save", description = "save this audit in declutter.audit (created if missing) to compare"
            + " later audits with")
    boolean save;

    @Option(names = "--compare", arity = "0..1", fallbackValue = "0", paramLabel = "ID", description = "list the"
            + " tables with no writes since saved audit ID (default: the latest; done anyway when one exists)")
    Long compare;

    @Option(names = "--large-rows", paramLabel = "N", defaultValue = "1000000", description = "rows from which an"
            + " append-only table with a timestamp column gets a retention job suggested (default: ${DEFAULT-VALUE})")
    long largeRows;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (largeRows < 0) {
            throw new UserError(ExitCodes.BAD_INPUT, "--large-rows must be 0 or more, not " + largeRows);
        }
        if (jobName != null && jobFile == null) {
            throw new UserError(ExitCodes.BAD_INPUT, "--job names a job of the policy file given with -j FILE; give"
                    + " both, or neither");
        }
        if (compare != null && compare < 0) {
            throw new UserError(ExitCodes.BAD_INPUT, "--compare takes a saved audit's id (1 or more), not " + compare);
        }
        if (html != null) {
            Path dir = html.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new UserError(ExitCodes.BAD_INPUT, "--html " + html + ": the directory " + dir
                        + " does not exist");
            }
        }
        DatabaseSettings base = jobFile == null ? DatabaseSettings.NONE : database(JobFileReader.readPolicy(jobFile));
        DatabaseSettings settings = connection.settings(base);
        String url = settings.url().orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT,
                "no database given: pass --jdbc-url, or -j with a job file that sets database.url"));
        Dialect byUrl;
        try {
            byUrl = Dialects.forJdbcUrl(url);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        try (Connection c = connection.open(settings)) {
            Dialect dialect = byUrl.forConnection(c);
            DatabaseAudit audit = dialect.audit();
            audit.readOnly(c);
            DatabaseAudit.Snapshot snapshot = audit.read(c, exact);
            Optional<DatabaseAudit.SavedAudit> compared = Optional.empty();
            if (compare != null || snapshot.auditsSaved()) {
                long id = compare == null ? 0 : compare;
                compared = audit.saved(c, id);
                if (compared.isEmpty() && compare != null) {
                    throw new UserError(ExitCodes.BAD_INPUT, id == 0 ? "--compare: no audit was saved in this"
                            + " database; run 'declutter audit --save' first" : "--compare: there is no saved audit "
                            + id + " in this database");
                }
            }
            Long savedAs = save ? audit.save(c, snapshot) : null;
            AuditReport.Audit report = new AuditReport.Audit(databaseName(c, url), snapshot, compared, savedAs,
                    Findings.rank(snapshot, compared, new Findings.Settings(largeRows), dialect),
                    dialect.bloatEstimate());
            if (html != null) {
                write(html, AuditPage.html(report, SuggestedJobPages.write(html, report, c, dialect)));
            }
            spec.commandLine().getOut().print(json ? AuditReport.json(report) + "\n" : AuditReport.text(report));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** The database of the job --job names, or the one every job of the file names (docs/policy.md). */
    private DatabaseSettings database(io.declutter.config.PolicyFile policy) {
        if (jobName != null) {
            return policy.find(jobName).orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT, jobFile + " holds no job"
                    + " named '" + jobName + "'; its jobs are " + String.join(", ", policy.names()))).database();
        }
        java.util.Set<DatabaseSettings> all = new java.util.LinkedHashSet<>();
        policy.jobs().forEach(j -> all.add(j.database()));
        if (all.size() > 1) {
            throw new UserError(ExitCodes.BAD_INPUT, "the jobs of " + jobFile + " name different databases: choose"
                    + " the job whose database to audit with --job NAME (" + String.join(", ", policy.names()) + ")");
        }
        return all.iterator().next();
    }

    private static String databaseName(Connection c, String url) {
        try {
            String catalog = c.getCatalog();
            return catalog == null || catalog.isBlank() ? url : catalog;
        } catch (java.sql.SQLException e) {
            return url;
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(ExitCodes.BAD_INPUT, "--html " + file + ": cannot write it: " + e.getMessage(), e);
        }
    }
}
