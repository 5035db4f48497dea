package io.declutter.runner.invariants;

import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.ClosureOracle;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TableRows;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks of the safety invariants (docs/design.md#invariants) shared by the invariant tests. */
final class PurgeAssertions {

    private PurgeAssertions() {
    }

    /**
     * Invariant 1 at one moment, seen from {@code observer} (a connection of its own): every row of the demo schema
     * that is gone since {@code before} is a closure row and is in the run's backup with exactly its former content;
     * no row appeared; no row outside the closure changed. Returns how many rows are gone, per table.
     */
    static Map<String, Integer> assertEveryMissingRowIsBackedUp(Connection observer, long run,
                                                               Map<String, Map<String, String>> before,
                                                               ClosureOracle.Closure closure) throws SQLException {
        Map<String, String> backupTables = DemoPurge.backupTables(observer);
        Map<String, Integer> gone = new TreeMap<>();
        for (String table : before.keySet()) {
            Map<String, String> was = before.get(table);
            Map<String, String> now = TableRows.of(observer, table);
            Set<String> appeared = new HashSet<>(now.keySet());
            appeared.removeAll(was.keySet());
            assertThat(appeared).as("%s: rows that appeared during the purge", table).isEmpty();

            Set<String> missing = TableRows.missing(was, now);
            assertThat(missing).as("%s: deleted rows must all be closure rows", table).isSubsetOf(closure.keys(table));
            assertThat(TableRows.changed(TableRows.except(was, closure.keys(table)), now))
                    .as("%s: rows outside the closure changed", table).isEmpty();
            if (!missing.isEmpty()) {
                assertThat(backupTables).as("backup table of %s", table).containsKey(table);
                Map<String, String> backup = TableRows.inBackup(observer, table, backupTables.get(table), run);
                List<String> notBackedUp = new ArrayList<>();
                List<String> different = new ArrayList<>();
                for (String key : missing) {
                    String copy = backup.get(key);
                    if (copy == null) {
                        notBackedUp.add(key);
                    } else if (!copy.equals(was.get(key))) {
                        different.add(key);
                    }
                }
                assertThat(notBackedUp).as("%s: rows deleted but not in the committed backup of run %d", table, run)
                        .isEmpty();
                assertThat(different).as("%s: rows whose backup differs from the deleted row (full-row md5)", table)
                        .isEmpty();
            }
            gone.put(table, missing.size());
        }
        return gone;
    }

    /** The backup of a run holds exactly the closure, each row with its original content (per-row md5). */
    static void assertBackupIsExactlyTheClosure(Connection c, long run, Map<String, Map<String, String>> before,
                                                ClosureOracle.Closure closure) throws SQLException {
        Map<String, Map<String, String>> backups = DemoPurge.backups(c, run);
        Set<String> closureTables = new HashSet<>();
        closure.keys().forEach((t, keys) -> {
            if (!keys.isEmpty()) {
                closureTables.add(t);
            }
        });
        assertThat(backups.keySet()).as("tables with a backup").containsAll(closureTables);
        for (String table : backups.keySet()) {
            assertThat(backups.get(table).keySet()).as("%s: keys in the backup of run %d", table, run)
                    .hasSize((int) closure.count(table))
                    .containsExactlyInAnyOrderElementsOf(closure.keys(table));
            assertThat(TableRows.difference(backups.get(table), TableRows.only(before.get(table), closure.keys(table))))
                    .as("%s: backup rows of run %d vs the closure rows before the purge (key -> md5)", table, run)
                    .isEmpty();
        }
    }

    /**
     * Invariant 2: no closure row remains; every other row of the demo schema is still there, unchanged;
     * no row appeared.
     */
    static void assertExactlyTheClosureIsGone(Connection c, Map<String, Map<String, String>> before,
                                              ClosureOracle.Closure closure) throws SQLException {
        assertThat(DemoPurge.appTables(c)).as("tables of the demo schema").containsExactlyElementsOf(before.keySet());
        for (String table : before.keySet()) {
            Map<String, String> now = TableRows.of(c, table);
            Map<String, String> expected = TableRows.except(before.get(table), closure.keys(table));
            Set<String> remaining = new HashSet<>(closure.keys(table));
            remaining.retainAll(now.keySet());
            assertThat(remaining).as("%s: closure rows still present", table).isEmpty();
            assertThat(now.size()).as("%s: rows left (%d before, %d in the closure)", table,
                    before.get(table).size(), closure.count(table)).isEqualTo(expected.size());
            assertThat(TableRows.difference(now, expected))
                    .as("%s: rows outside the closure (key -> md5 of the whole row)", table).isEmpty();
        }
    }

    /** Invariant 3: content equal to before (per-table checksums), run 'rolled back', verify exits 0, identities usable. */
    static void assertRolledBack(DemoPurge demo, Connection c, long run, Map<String, Checksums.Sum> before)
            throws SQLException {
        Map<String, Checksums.Sum> after = Checksums.of(c, List.copyOf(before.keySet()));
        assertThat(after).as("per-table checksums after rolling back run %d", run).isEqualTo(before);
        assertThat(demo.procs(c).runInfo(run).status()).isEqualTo("rolled back");
        assertThat(demo.cli(0, "verify", "--run", Long.toString(run)).out()).contains("OK: every purged row is back.");
        assertIdentitiesUsable(c);
    }

    /**
     * Identity values were restored without leaving a sequence behind: every identity sequence of the demo schema
     * will hand out a value above the column's maximum, and rows inserted without an id (GENERATED ALWAYS and BY
     * DEFAULT, and with a generated column) get fresh ids. The inserts are rolled back.
     */
    static void assertIdentitiesUsable(Connection c) throws SQLException {
        List<String[]> identities = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT table_schema || '.' || table_name,"
                + " column_name FROM information_schema.columns WHERE table_schema = 'app' AND is_identity = 'YES'")) {
            while (rs.next()) {
                identities.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        assertThat(identities).extracting(i -> i[0]).contains("app.audit_events", "app.invoice_lines", "app.tenants");
        Map<String, Long> maxId = new TreeMap<>();
        for (String[] id : identities) {
            String sql = "SELECT COALESCE(ps.last_value + ps.increment_by, ps.start_value), (SELECT max("
                    + ClosureOracle.ident(id[1]) + ") FROM " + ClosureOracle.quote(id[0]) + ") FROM pg_sequences ps"
                    + " WHERE format('%I.%I', ps.schemaname, ps.sequencename) = pg_get_serial_sequence(?, ?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, ClosureOracle.quote(id[0]));
                ps.setString(2, id[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("identity sequence of %s.%s", id[0], id[1]).isTrue();
                    long max = rs.getLong(2);
                    maxId.put(id[0], max);
                    assertThat(rs.getLong(1)).as("next identity value of %s.%s vs its max", id[0], id[1])
                            .isGreaterThan(max);
                }
            }
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            long tenant = single(st, "INSERT INTO app.tenants (name, status, country_code, plan_id, created_at)"
                    + " VALUES ('Inserted after rollback', 'active', 'US', 1, now()) RETURNING id");
            assertThat(tenant).isGreaterThan(maxId.get("app.tenants"));
            long event = single(st, "INSERT INTO app.audit_events (tenant_id, action, occurred_at)"
                    + " VALUES (" + tenant + ", 'test.inserted', now()) RETURNING id");
            assertThat(event).isGreaterThan(maxId.get("app.audit_events"));
            long invoice = single(st, "INSERT INTO app.invoices (tenant_id, invoice_no, status, currency, issued_at,"
                    + " due_at) VALUES (" + tenant + ", 'T-1', 'open', 'EUR', now(), now()) RETURNING id");
            assertThat(invoice).isGreaterThan(maxId.get("app.invoices"));
            try (ResultSet rs = st.executeQuery("INSERT INTO app.invoice_lines (invoice_id, description, quantity,"
                    + " unit_price) VALUES (" + invoice + ", 'test', 2, 3.50) RETURNING id, amount")) {
                rs.next();
                assertThat(rs.getLong(1)).isGreaterThan(maxId.get("app.invoice_lines"));
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(new BigDecimal("7.00"));
            }
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Checksums of every table of the demo schema. */
    /** Every table of the demo schema holds exactly the rows it held before (key -> md5 of the whole row). */
    static void assertSameRows(Connection c, Map<String, Map<String, String>> before) throws SQLException {
        for (String table : before.keySet()) {
            assertThat(TableRows.difference(TableRows.of(c, table), before.get(table)))
                    .as("%s: rows vs before (key -> md5 of the whole row)", table).isEmpty();
        }
    }

    static Map<String, Checksums.Sum> checksums(Connection c) throws SQLException {
        return Checksums.of(c, Checksums.tablesOf(c, "app"));
    }
}
