package io.declutter.dialect.postgres;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.RefusedException;
import io.declutter.dialect.Resources;
import io.declutter.dialect.SqlHealthSignals;
import io.declutter.dialect.StartCheck;
import io.declutter.model.Job;
import io.declutter.model.StartWhen;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The job's start thresholds on PostgreSQL (docs/throttle.md#start-thresholds), queries under {@code start/}. */
final class PostgresStartChecks {

    private static final String ROOT_ROWS = Resources.text(PostgresStartChecks.class, "start/root_rows.sql");
    private static final String TABLE_STATS = Resources.text(PostgresStartChecks.class, "start/table_stats.sql");

    private PostgresStartChecks() {
    }

    static List<StartCheck> measure(Connection c, Dialect dialect, Job job, StartWhen when) throws SQLException {
        List<StartCheck> checks = new ArrayList<>();
        if (when.rootRows().isPresent()) {
            long threshold = when.rootRows().getAsLong();
            // An orphan or duplicate root is resolved against the catalog first, as plan resolves it.
            Job resolved = job.rootPredicate().isPresent() ? job : dialect.plan(dialect.readCatalog(c), job).job();
            long rows = rootRows(c, dialect, resolved, threshold);
            checks.add(new StartCheck("root rows of " + job.root().display() + (job.rootPredicate().isPresent()
                    ? " matching root.where" : job.rows().describe()),
                    rows >= threshold ? String.format(Locale.ROOT, "%,d or more", rows)
                            : String.format(Locale.ROOT, "%,d", rows),
                    String.format(Locale.ROOT, "%,d", threshold), rows >= threshold));
        }
        when.deadTuples().ifPresent(t -> checks.add(table(c, t, 0, "dead tuples of ",
                v -> String.format(Locale.ROOT, "%,d", Math.round(v)))));
        when.deadTupleRatio().ifPresent(t -> checks.add(table(c, t, 1, "dead tuple ratio of ",
                v -> String.format(Locale.ROOT, "%.3f", v))));
        when.tableSize().ifPresent(t -> checks.add(table(c, t, 2, "size of ", SqlHealthSignals::bytes)));
        return checks;
    }

    private static long rootRows(Connection c, Dialect dialect, Job job, long threshold) throws SQLException {
        PostgresPredicateCheck.check(c, dialect, job); // one condition, no statement smuggled in
        String sql = ROOT_ROWS.formatted(dialect.qualify(job.root().schema(), job.root().name()),
                PostgresPredicateCheck.condition(job, dialect));
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            c.setReadOnly(true);
            ps.setLong(1, threshold);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            c.rollback();
            c.setReadOnly(false);
            c.setAutoCommit(autoCommit);
        }
    }

    private interface Format {
        String text(double value);
    }

    /** Column {@code column} (0 dead tuples, 1 ratio, 2 size) of the table's statistics against the threshold. */
    private static StartCheck table(Connection c, StartWhen.TableThreshold t, int column, String what, Format format) {
        try (PreparedStatement ps = c.prepareStatement(TABLE_STATS)) {
            ps.setString(1, t.table().schema());
            ps.setString(2, t.table().name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RefusedException(ErrorKind.BAD_INPUT, "startWhen: table " + t.table().display()
                            + " does not exist; name a table as schema.table");
                }
                double v = rs.getDouble(column + 1);
                return new StartCheck(what + t.table().display(), format.text(v), format.text(t.over()), v >= t.over());
            }
        } catch (SQLException e) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "startWhen: cannot read the statistics of "
                    + t.table().display() + ": " + e.getMessage(), e);
        }
    }
}
