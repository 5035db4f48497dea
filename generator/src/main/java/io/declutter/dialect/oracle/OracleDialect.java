package io.declutter.dialect.oracle;

import io.declutter.dialect.CatalogQuery;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.Resources;
import io.declutter.model.TableName;
import io.declutter.introspect.CatalogReader;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.Finding;
import io.declutter.model.PurgePlan;
import io.declutter.model.PurgeTable;
import io.declutter.model.Window;
import io.declutter.plan.Naming;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Oracle Database 12.1 and later. Unquoted identifiers are upper case, so a name the catalog spells in upper
 * case (letters, digits, {@code _ $ #}, starting with a letter) is written bare and any other name is quoted
 * with its case kept. Names are limited to 128 bytes from 12.2 on ({@code COMPATIBLE} 12.2 or higher) and to
 * 30 bytes before: the dialect carries its target version, and generated names (backup tables, their indexes)
 * are shortened with a hash to fit it.
 */
public final class OracleDialect implements Dialect {

    /** The dialect name on the command line; a target version may follow, as in {@code oracle:12.1}. */
    public static final String NAME = "oracle";
    /** Name of the framework schema: an unquoted Oracle name, so upper case. */
    public static final String SCHEMA = "DECLUTTER";

    private static final Pattern PLAIN = Pattern.compile("[A-Z][A-Z0-9_$#]*");
    private static final Pattern VERSION = Pattern.compile("(\\d{1,2})(?:\\.(\\d{1,2}))?.*");
    /** SQL reserved words (V$RESERVED_WORDS) and PL/SQL reserved words: quoting them is always safe. */
    private static final Set<String> KEYWORDS =
            Set.of(Resources.text(OracleDialect.class, "keywords.txt").strip().split("\\s+"));

    private final int major;
    private final int minor;

    /** Oracle 19c, as {@link java.util.ServiceLoader} creates it: {@link #named} and {@link #forConnection} pick the version. */
    public OracleDialect() {
        this(19, 0);
    }

    private OracleDialect(int major, int minor) {
        this.major = major;
        this.minor = minor;
    }

    /** Oracle 19c (long identifiers): the default when no version is given. */
    public static OracleDialect latest() {
        return new OracleDialect(19, 0);
    }

    /** A target version such as {@code 12.1}, {@code 12.2}, {@code 19}, {@code 23}. */
    public static OracleDialect forVersion(String version) {
        Matcher m = VERSION.matcher(Objects.requireNonNull(version, "version").strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("Oracle version '" + version + "' is not a version such as 12.1, 19 or 23");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (major < 12) {
            throw new IllegalArgumentException("Oracle " + version + " is not supported: declutter needs Oracle 12.1"
                    + " or later (identity columns, FETCH FIRST, ORACLE_MAINTAINED in ALL_USERS)");
        }
        return new OracleDialect(major, minor);
    }

    /** {@code oracle} or {@code oracle:<version>}; empty when the name is another dialect's. */
    @Override
    public java.util.Optional<Dialect> named(String name) {
        if (name.equals(NAME)) {
            return java.util.Optional.of(latest());
        }
        if (name.startsWith(NAME + ":")) {
            return java.util.Optional.of(forVersion(name.substring(NAME.length() + 1)));
        }
        return java.util.Optional.empty();
    }

    /**
     * The dialect for the database behind the connection: 128-byte names when it supports them (PL/SQL's
     * {@code ORA_MAX_NAME_LEN_SUPPORTED}, which follows {@code COMPATIBLE}, 12.2 and later), else 30.
     */
    @Override
    public OracleDialect forConnection(Connection connection) throws SQLException {
        int major = connection.getMetaData().getDatabaseMajorVersion();
        int minor = connection.getMetaData().getDatabaseMinorVersion();
        if (major > 12 || major == 12 && minor >= 2) {
            try (CallableStatement cs = connection.prepareCall("BEGIN ? := ORA_MAX_NAME_LEN_SUPPORTED; END;")) {
                cs.registerOutParameter(1, Types.INTEGER);
                cs.execute();
                if (cs.getInt(1) < 128) {
                    return new OracleDialect(12, 1); // COMPATIBLE below 12.2: old limits
                }
            } catch (SQLException e) {
                return new OracleDialect(12, 1);
            }
        }
        return new OracleDialect(Math.max(12, major), minor);
    }

    public String version() {
        return major + "." + minor;
    }

    public boolean longIdentifiers() {
        return major > 12 || major == 12 && minor >= 2;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:oracle:");
    }

    @Override
    public String quote(String identifier) {
        if (PLAIN.matcher(identifier).matches() && !KEYWORDS.contains(identifier)) {
            return identifier;
        }
        if (identifier.indexOf('"') >= 0 || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Oracle names cannot contain a double quote or NUL: " + identifier);
        }
        return "\"" + identifier + "\"";
    }

    @Override
    public int maxIdentifierBytes() {
        return longIdentifiers() ? 128 : 30;
    }

    @Override
    public String frameworkSchema() {
        return SCHEMA;
    }

    /**
     * {@code ONLINE} lets DML go on while the index builds (Enterprise Edition; Standard Edition refuses it, and the
     * statement without {@code ONLINE} then locks the table while it builds). Oracle creates an unqualified index in
     * the schema of the user running the statement, so the name is qualified with the table's schema. The name is
     * {@code <TABLE>_<COLUMNS>_IDX}, upper case (bare) when the table's and columns' names are, and shortened with a hash to the
     * dialect's identifier limit.
     */
    @Override
    public String createIndexStatement(TableName table, List<String> columns) {
        String base = table.name() + "_" + String.join("_", columns);
        String suffix = base.chars().anyMatch(Character::isLowerCase) ? "_idx" : "_IDX";
        String name = OracleNames.derived(base, suffix, maxIdentifierBytes());
        return "CREATE INDEX " + qualify(table.schema(), name) + " ON " + qualify(table.schema(), table.name())
                + " (" + columnList(columns, "") + ") ONLINE;";
    }

    @Override
    public String olderThanPredicate(String column, int days) {
        return quote(column) + " < SYSTIMESTAMP - INTERVAL '" + days + "' DAY";
    }

    @Override
    public String bloatRemedy() {
        return "ALTER TABLE ... SHRINK SPACE (with ROW MOVEMENT enabled) or ALTER TABLE ... MOVE ONLINE would return it";
    }

    @Override
    public String bloatEstimate() {
        return "blocks below the high-water mark beyond what NUM_ROWS rows of AVG_ROW_LEN need at PCT_FREE (optimizer statistics)";
    }

    @Override
    public String auditSql(io.declutter.dialect.AuditQuery query) {
        return Resources.text(OracleDialect.class, query.resourceName());
    }

    @Override
    public String catalogSql(CatalogQuery query) {
        return Resources.text(OracleDialect.class, query.resourceName());
    }

    @Override
    public Catalog readCatalog(Connection connection) throws SQLException {
        return new CatalogReader(this).read(connection);
    }

    /** Upper-case resolution of job-file names, Oracle-spelled backup tables: see {@link OracleNames}. */
    @Override
    public Naming naming() {
        return new OracleNaming(maxIdentifierBytes());
    }

    /**
     * The plan, with every table it would purge by row identity refused: that mechanism is generated for PostgreSQL
     * only for now (docs/oracle.md, docs/design.md#tables-without-a-key).
     */
    @Override
    public PurgePlan plan(Catalog catalog, Job job) {
        PurgePlan plan = Dialect.super.plan(catalog, job);
        List<Finding> refused = plan.tables().stream().filter(PurgeTable::rowIdentity)
                .map(t -> new Finding(Finding.Severity.ERROR, Finding.Kind.NO_KEY, t.name().display(), "table "
                        + t.name() + " has no primary key and no unique key on NOT NULL columns: purging such a table"
                        + " by row identity is generated for PostgreSQL only for now, not for Oracle. Add a primary"
                        + " key to " + t.name() + ", or exclude it from the job."))
                .toList();
        if (refused.isEmpty()) {
            return plan;
        }
        List<Finding> findings = new java.util.ArrayList<>(refused);
        plan.findings().stream().filter(f -> !(f.kind() == Finding.Kind.ROW_IDENTITY)).forEach(findings::add);
        findings.sort(java.util.Comparator.comparing(Finding::severity).reversed()
                .thenComparing(Finding::kind).thenComparing(Finding::subject));
        return new PurgePlan(plan.job(), plan.edges(), plan.tables(), plan.nullified(), findings);
    }

    @Override
    public void checkPredicate(Connection connection, Job job) throws SQLException {
        OraclePredicateCheck.checkPredicate(connection, this, job);
    }

    /** One PL/SQL package per job and the files a DBA runs by hand: see {@link OracleGenerator}. */
    @Override
    public List<GeneratedFile> generate(PurgePlan plan, Window window) {
        return new OracleGenerator(this).generate(plan, window);
    }

    @Override
    public GeneratedFile roles(PurgePlan plan, io.declutter.model.DatabaseRoles roles) {
        return new OracleGenerator(this).roles(plan, roles);
    }

    @Override
    public JobProcedures procedures(Connection connection, Job job) {
        return new OracleJobProcedures(connection, job.name(), job.statementTimeout());
    }

    @Override
    public io.declutter.dialect.HealthSignals healthSignals(Connection connection, List<String> purgedTables) {
        return new OracleHealthSignals(connection, null);
    }

    /** With {@code throttle.standbyUrl}, the apply lag is read on that standby through {@code others}. */
    @Override
    public io.declutter.dialect.HealthSignals healthSignals(Connection connection, List<String> purgedTables,
                                                           io.declutter.dialect.HealthSignals.Connector others) {
        return new OracleHealthSignals(connection, others);
    }

    /** rootRows and tableSize; deadTuples and deadTupleRatio have no Oracle equivalent and are refused. */
    @Override
    public List<io.declutter.dialect.StartCheck> startChecks(Connection connection, Job job,
                                                            io.declutter.model.StartWhen when) throws SQLException {
        return OracleStartChecks.measure(connection, this, job, when);
    }

    @Override
    public ErrorKind classify(SQLException e) {
        return OracleErrors.classify(e);
    }

    /** Optimizer statistics ({@code DBMS_STATS.GATHER_TABLE_STATS}), Oracle's counterpart of VACUUM (ANALYZE). */
    /**
     * {@code run --vacuum-full} is refused on Oracle (docs/oracle.md#after-a-purge): the equivalents change more than a
     * rewrite (SHRINK SPACE needs row movement enabled, which changes ROWIDs; MOVE needs the indexes rebuilt unless
     * ONLINE, an Enterprise Edition option), so a DBA runs them deliberately.
     */
    @Override
    public String vacuumFullRefusal() {
        return "--vacuum-full is PostgreSQL only; nothing was done. On Oracle, give a table's space back yourself:"
                + " ALTER TABLE t ENABLE ROW MOVEMENT; ALTER TABLE t SHRINK SPACE CASCADE; (or ALTER TABLE t MOVE"
                + " ONLINE), see docs/oracle.md#after-a-purge";
    }

    @Override
    public String maintain(Connection connection, List<String> tables, io.declutter.dialect.MaintenanceGate gate)
            throws SQLException, InterruptedException {
        int done = 0;
        for (String t : tables) {
            if (!gate.mayVisit(t)) {
                break;
            }
            OracleJobProcedures.gatherStats(connection, List.of(t));
            done++;
        }
        return "DBMS_STATS.GATHER_TABLE_STATS done on " + done + " tables" + Dialect.notMaintained(tables.size() - done);
    }

    /** How an unquoted name is stored: upper case (for names typed in a job file, e.g. {@code app.tenants}). */
    public static String normalize(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OracleDialect d && d.major == major && d.minor == minor;
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor);
    }

    @Override
    public String toString() {
        return "oracle " + version();
    }

    @Override
    public String rollbackTriggerNote(boolean someFire) {
        return "Rollback re-inserts rows with the table's triggers enabled (Oracle has no switch for one session):"
                + " an INSERT trigger that derives rows or refuses values makes it fail or add rows.\n";
    }
}
