package io.declutter.dialect.oracle;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.RefusedException;
import io.declutter.dialect.Resources;
import io.declutter.dialect.SqlHealthSignals;
import io.declutter.dialect.StartCheck;
import io.declutter.model.Job;
import io.declutter.model.StartWhen;
import io.declutter.model.TableName;
import io.declutter.render.RootFilter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The job's start thresholds on Oracle (docs/throttle.md#oracle), queries under {@code start/}: root rows counted with
 * the root predicate up to the threshold, and a table's size from its segments. Oracle has no dead tuples (a delete
 * frees its rows' space in the block for reuse; old versions live in undo), so {@code deadTuples} and
 * {@code deadTupleRatio} are refused, naming what to use instead. Parsed in unit tests; not run on Oracle.
 */
final class OracleStartChecks {

    static final String ROOT_ROWS = Resources.text(OracleStartChecks.class, "start/root_rows.sql");
    static final String TABLE_SIZE = Resources.text(OracleStartChecks.class, "start/table_size.sql");
    static final String TABLE_SIZE_OWN = Resources.text(OracleStartChecks.class, "start/table_size_own.sql");

    private OracleStartChecks() {
    }

    /** Refused before anything is measured: thresholds Oracle has no equivalent of. */
    static void refuseWhatOracleHasNot(Job job, StartWhen when) {
        List<String> refused = new ArrayList<>();
        when.deadTuples().ifPresent(t -> refused.add("deadTuples"));
        when.deadTupleRatio().ifPresent(t -> refused.add("deadTupleRatio"));
        if (!refused.isEmpty()) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": startWhen." + String.join(" and"
                    + " startWhen.", refused) + " cannot be measured on Oracle, which has no dead tuples (a delete"
                    + " leaves its rows' space in the block for reuse, and old row versions live in undo); use"
                    + " startWhen.rootRows (the rows to purge) or startWhen.tableSize (the table's segments) instead;"
                    + " nothing done (docs/throttle.md#oracle)");
        }
    }

    static List<StartCheck> measure(Connection c, Dialect dialect, Job job, StartWhen when) throws SQLException {
        refuseWhatOracleHasNot(job, when);
        List<StartCheck> checks = new ArrayList<>();
        if (when.rootRows().isPresent()) {
            long threshold = when.rootRows().getAsLong();
            // An orphan or duplicate root is resolved against the catalog first, as plan resolves it.
            Job resolved = job.rootPredicate().isPresent() ? job : dialect.plan(dialect.readCatalog(c), job).job();
            long rows = rootRows(c, dialect, resolved, resolve(c, resolved.root()), threshold);
            checks.add(new StartCheck("root rows of " + job.root().display() + (job.rootPredicate().isPresent()
                    ? " matching root.where" : job.rows().describe()),
                    rows >= threshold ? String.format(Locale.ROOT, "%,d or more", rows)
                            : String.format(Locale.ROOT, "%,d", rows),
                    String.format(Locale.ROOT, "%,d", threshold), rows >= threshold));
        }
        if (when.tableSize().isPresent()) {
            StartWhen.TableThreshold t = when.tableSize().get();
            double size = tableSize(c, t);
            checks.add(new StartCheck("size of " + t.table().display(), SqlHealthSignals.bytes(size),
                    SqlHealthSignals.bytes(t.over()), size >= t.over()));
        }
        return checks;
    }

    /** The root table and the condition the run selects its root rows with, as the count's SQL. */
    static String rootRowsSql(Dialect dialect, Job job, TableName root) {
        String condition = job.rootPredicate().or(() -> RootFilter.of(job, dialect)).orElseThrow(() ->
                new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + " takes its root keys at run time:"
                        + " startWhen.rootRows has no rows to count; leave it out"));
        if (condition.contains(";")) {
            // One statement, read-only, from the job's own file; a ';' would only make it fail less clearly.
            throw new RefusedException(ErrorKind.BAD_INPUT, "job " + job.name() + ": the root condition on "
                    + job.root() + " contains a ';', which would end the statement it is put in; fix root.where");
        }
        return ROOT_ROWS.formatted(dialect.qualify(root.schema(), root.name()), condition);
    }

    /** Counted in a read-only transaction (a predicate calling a function that writes fails, changing nothing). */
    private static long rootRows(Connection c, Dialect dialect, Job job, TableName root, long threshold)
            throws SQLException {
        String sql = rootRowsSql(dialect, job, root);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, threshold);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * DBA_SEGMENTS; without access to it, USER_SEGMENTS for a table of the session's own schema; else a clear error
     * naming the grant.
     */
    private static double tableSize(Connection c, StartWhen.TableThreshold t) {
        try {
            TableName resolved = resolve(c, t.table());
            if (!exists(c, resolved)) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "startWhen: table " + t.table().display()
                        + " does not exist (or the purge's user cannot see it); name a table as schema.table");
            }
            String owner = resolved.schema();
            String table = resolved.name();
            try (PreparedStatement ps = c.prepareStatement(TABLE_SIZE)) {
                for (int i = 0; i < 4; i++) {
                    ps.setString(2 * i + 1, owner);
                    ps.setString(2 * i + 2, table);
                }
                return size(ps);
            } catch (SQLException e) {
                if (e.getErrorCode() != 942 || !owner.equals(c.getMetaData().getUserName())) {
                    throw e;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(TABLE_SIZE_OWN)) {
                for (int i = 1; i <= 4; i++) {
                    ps.setString(i, table);
                }
                return size(ps);
            }
        } catch (SQLException e) {
            throw new RefusedException(ErrorKind.BAD_INPUT, "startWhen.tableSize: cannot read the segments of "
                    + t.table().display() + ": " + e.getMessage().strip() + (e.getErrorCode() == 942
                    ? ". Grant the purge's user SELECT on DBA_SEGMENTS, DBA_TABLES, DBA_INDEXES and DBA_LOBS (or"
                    + " SELECT_CATALOG_ROLE)" : ""), e);
        }
    }

    /**
     * The table as Oracle resolves a name written in the job file (docs/oracle.md): exactly as written, else in upper
     * case, as the planner does (OracleNames.resolve), here against ALL_TABLES.
     */
    static TableName resolve(Connection c, TableName written) throws SQLException {
        String schemaUpper = written.schema().toUpperCase(Locale.ROOT);
        String nameUpper = written.name().toUpperCase(Locale.ROOT);
        for (TableName candidate : List.of(written, new TableName(schemaUpper, nameUpper),
                new TableName(schemaUpper, written.name()), new TableName(written.schema(), nameUpper))) {
            if (exists(c, candidate)) {
                return candidate;
            }
        }
        return written;
    }

    private static boolean exists(Connection c, TableName t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM all_tables WHERE owner = ?"
                + " AND table_name = ?")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static double size(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
