package io.declutter.dialect.postgres;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.Resources;
import io.declutter.model.TableName;
import io.declutter.plan.BackupNames;

import io.declutter.introspect.CatalogReader;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.Window;
import io.declutter.render.Generator;
import io.declutter.render.UnicodeEscapes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** PostgreSQL 12 and later. */
public final class PostgresDialect implements Dialect {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    /** Every keyword that is not fully unreserved, from {@code pg_get_keywords()}: quoting them is always safe. */
    private static final Set<String> KEYWORDS =
            Set.of(Resources.text(PostgresDialect.class, "keywords.txt").strip().split(" "));

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String quote(String identifier) {
        if (PLAIN.matcher(identifier).matches() && !KEYWORDS.contains(identifier)) {
            return identifier;
        }
        if (UnicodeEscapes.hasControlCharacter(identifier)) {
            // U&"..." with the control characters escaped: a CR or LF written as such would not survive Liquibase
            // (it removes every CR from the SQL it runs) or a line-ending conversion of the generated files.
            return "U&\"" + UnicodeEscapes.unicodeEscaped(identifier.replace("\"", "\"\"")) + "\"";
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public int maxIdentifierBytes() {
        return 63;
    }

    /**
     * {@code CREATE INDEX CONCURRENTLY} does not block writes; {@code IF NOT EXISTS} makes a re-run harmless. The
     * index lives in the table's schema (PostgreSQL allows no other), named {@code <table>_<columns>_idx}.
     */
    @Override
    public String createIndexStatement(TableName table, List<String> columns) {
        String name = BackupNames.fit(table.name() + "_" + String.join("_", columns) + "_idx", maxIdentifierBytes());
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + quote(name) + " ON " + qualify(table.schema(), table.name())
                + " (" + columnList(columns, "") + ");";
    }

    @Override
    public String olderThanPredicate(String column, int days) {
        return quote(column) + " < now() - interval '" + days + " days'";
    }

    @Override
    public String bloatRemedy() {
        return "VACUUM FULL or pg_repack would return it (VACUUM FULL locks the table: ACCESS EXCLUSIVE)";
    }

    @Override
    public String bloatEstimate() {
        return "statistics-based heap bloat estimate after ioguix/pgsql-bloat-estimation (table_bloat.sql)";
    }

    @Override
    public String auditSql(io.declutter.dialect.AuditQuery query) {
        return Resources.text(PostgresDialect.class, query.resourceName());
    }

    @Override
    public String catalogSql(CatalogQuery query) {
        return Resources.text(PostgresDialect.class, query.resourceName());
    }

    @Override
    public Catalog readCatalog(Connection connection) throws SQLException {
        return new CatalogReader(this).read(connection);
    }

    @Override
    public void checkPredicate(Connection connection, Job job) throws SQLException {
        PostgresPredicateCheck.check(connection, this, job);
    }

    /** The files {@link Generator} renders from the PostgreSQL templates; the window is the runner's (or pg_cron's). */
    @Override
    public List<GeneratedFile> generate(PurgePlan plan, Window window) {
        return new Generator(this).generate(plan);
    }

    /** roles.sql: roles, ownership, SECURITY DEFINER and grants (docs/roles.md). */
    @Override
    public GeneratedFile roles(PurgePlan plan, io.declutter.model.DatabaseRoles roles) {
        return new Generator(this).roles(plan, roles);
    }

    @Override
    public JobProcedures procedures(Connection connection, Job job) {
        return new PostgresJobProcedures(connection, job.name(), frameworkSchema(), job.lockTimeout(),
                job.statementTimeout());
    }

    @Override
    public io.declutter.dialect.HealthSignals healthSignals(Connection connection, List<String> purgedTables) {
        return new PostgresHealthSignals(connection, purgedTables);
    }

    @Override
    public List<io.declutter.dialect.StartCheck> startChecks(Connection connection, Job job,
                                                             io.declutter.model.StartWhen when) throws SQLException {
        return PostgresStartChecks.measure(connection, this, job, when);
    }

    @Override
    public ErrorKind classify(SQLException e) {
        return PostgresErrors.classify(e);
    }

    /**
     * {@code VACUUM (ANALYZE)} of each purged table, without truncation: that phase takes an ACCESS EXCLUSIVE lock on
     * the table, which a purge during business hours must never take (invariant 6 in docs/design.md#invariants).
     */
    @Override
    public String maintain(Connection connection, List<String> tables, io.declutter.dialect.MaintenanceGate gate)
            throws SQLException, InterruptedException {
        // Only a table's owner (or the database's, or a superuser) may vacuum it; PostgreSQL skips the others with a
        // warning. An operator running the purge through the owner's procedures (docs/roles.md) owns none: say so.
        List<String> skipped = new java.util.ArrayList<>();
        int done = 0;
        int left = 0;
        try (Statement st = connection.createStatement();
             // by name through the catalog: to_regclass would need USAGE on the table's schema, which an operator lacks
             java.sql.PreparedStatement owns = connection.prepareStatement("SELECT pg_has_role(c.relowner, 'USAGE')"
                     + " OR pg_has_role(d.datdba, 'USAGE') FROM pg_class AS c"
                     + " JOIN pg_namespace AS n ON n.oid = c.relnamespace, pg_database AS d"
                     + " WHERE n.nspname = ? AND c.relname = ? AND d.datname = current_database()")) {
            for (int i = 0; i < tables.size(); i++) {
                String t = tables.get(i);
                int dot = t.indexOf('.');
                String table = qualify(t.substring(0, dot), t.substring(dot + 1));
                if (!gate.mayVisit(t)) {
                    left = tables.size() - i;
                    break;
                }
                owns.setString(1, t.substring(0, dot));
                owns.setString(2, t.substring(dot + 1));
                try (java.sql.ResultSet rs = owns.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        skipped.add(t);
                        continue;
                    }
                }
                st.execute("VACUUM (ANALYZE, TRUNCATE false) " + table);
                done++;
            }
        }
        return "VACUUM (ANALYZE) done on " + done + " tables" + (skipped.isEmpty() ? "" : "; " + skipped.size()
                + " skipped, which only their owner may vacuum (autovacuum will, or run VACUUM (ANALYZE) as their"
                + " owner): " + String.join(", ", skipped)) + Dialect.notMaintained(left);
    }

    @Override
    public boolean canVacuumFull() {
        return true;
    }

    /**
     * {@code VACUUM (FULL, ANALYZE)} of each table, one at a time, each in its own transaction (VACUUM cannot run in
     * one): it writes a new copy of the table and its indexes and holds an ACCESS EXCLUSIVE lock until it is done, so
     * it runs only when asked (docs/policy.md#vacuum-full). The sizes are pg_total_relation_size before and after.
     */
    @Override
    public List<Rewrite> vacuumFull(Connection connection, List<String> tables) throws SQLException {
        List<Rewrite> done = new java.util.ArrayList<>();
        try (Statement st = connection.createStatement();
             // as in maintain: only the owner may vacuum a table; PostgreSQL would skip the others with a warning
             java.sql.PreparedStatement owns = connection.prepareStatement("SELECT pg_has_role(c.relowner, 'USAGE')"
                     + " OR pg_has_role(d.datdba, 'USAGE') FROM pg_class AS c"
                     + " JOIN pg_namespace AS n ON n.oid = c.relnamespace, pg_database AS d"
                     + " WHERE n.nspname = ? AND c.relname = ? AND d.datname = current_database()")) {
            for (String t : tables) {
                int dot = t.indexOf('.');
                owns.setString(1, t.substring(0, dot));
                owns.setString(2, t.substring(dot + 1));
                try (java.sql.ResultSet rs = owns.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        done.add(Rewrite.skipped(t));
                        continue;
                    }
                }
                String name = qualify(t.substring(0, dot), t.substring(dot + 1));
                long before = totalSize(connection, name);
                long started = System.nanoTime();
                st.execute("VACUUM (FULL, ANALYZE) " + name);
                java.time.Duration locked = java.time.Duration.ofNanos(System.nanoTime() - started);
                done.add(new Rewrite(t, before, totalSize(connection, name), locked));
            }
        }
        return done;
    }

    private static long totalSize(Connection connection, String qualified) throws SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            ps.setString(1, qualified);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public String rollbackTriggerNote(boolean someFire) {
        return "Rollback restores with session_replication_role = replica, for its own transaction only:"
                + " triggers and rules marked 'not fired' do not run, so it puts back exactly the backed-up rows.\n"
                + (someFire ? "Those marked FIRES are set to ENABLE ALWAYS or ENABLE REPLICA and run even then.\n" : "");
    }
}
