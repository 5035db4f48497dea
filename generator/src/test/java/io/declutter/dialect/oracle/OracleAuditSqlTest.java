package io.declutter.dialect.oracle;

import io.declutter.dialect.AuditQuery;
import io.declutter.dialect.Dialect;
import io.declutter.dialect.Dialects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Oracle statements of {@code declutter audit} (docs/audit.md#oracle), parsed by PMD's PL/SQL parser, and
 * selecting every column alias the PostgreSQL version selects (DatabaseAudit reads them by alias). Not run on
 * Oracle: no Oracle server runs here.
 */
class OracleAuditSqlTest {

    private static final Pattern ALIAS = Pattern.compile("\\bAS\\s+([a-z_]+)\\b");

    private static PlsqlParser parser;

    @BeforeAll
    static void setUp() {
        parser = new PlsqlParser();
    }

    @AfterAll
    static void tearDown() throws Exception {
        parser.close();
    }

    @ParameterizedTest
    @EnumSource(AuditQuery.class)
    void everyAuditStatementParses(AuditQuery q) {
        // JDBC's ? placeholders are no SQL syntax: parsed as the bind variables Oracle makes of them.
        String sql = OracleDialect.latest().auditSql(q).replace("?", ":b");
        // A file of PL/SQL blocks ends each with a line holding '/'; a single statement is parsed as a script line.
        String script = sql.lines().anyMatch(l -> l.strip().equals("/")) ? sql : sql.stripTrailing() + "\n/\n";
        List<String> errors = new ArrayList<>();
        parser.error(q.resourceName(), script).ifPresent(errors::add);
        errors.addAll(parser.errors(q.resourceName(), script).stream().filter(e -> e.contains("literal")).toList());
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(AuditQuery.class)
    void theOracleStatementsSelectThePostgresAliases(AuditQuery q) {
        Dialect postgres = Dialects.forName("postgres");
        String oracle = OracleDialect.latest().auditSql(q);
        Matcher m = ALIAS.matcher(postgres.auditSql(q));
        List<String> aliases = new ArrayList<>();
        while (m.find()) {
            aliases.add(m.group(1));
        }
        // the top-level aliases of the PostgreSQL query (its CTEs' inner names are its own)
        for (String a : aliases) {
            if (List.of("schema_name", "table_name", "partitioned", "parent_table", "heap_bytes", "index_bytes",
                    "toast_bytes", "row_estimate", "live_tuples", "dead_tuples", "last_vacuum", "last_autovacuum",
                    "last_analyze", "last_autoanalyze", "inserts", "updates", "deletes", "counters_since",
                    "bloat_bytes", "timestamp_column", "constraint_name", "column_names", "referenced_table",
                    "referenced_kind", "job", "purged_table", "total_bytes", "runs", "audits", "run_id", "status",
                    "started_at", "ended_at", "rows_deleted", "audit_id", "taken_at").contains(a)) {
                assertThat(oracle).as("%s selects %s", q, a).containsPattern("(?i)\\bAS\\s+" + a + "\\b");
            }
        }
    }
}
