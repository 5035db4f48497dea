package io.declutter.runner.testing;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.purge.Checksums;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Purges a job on any schema through the CLI and checks the invariants against an independent oracle:
 * exactly the closure rows are deleted (2), each deleted row is in the backup (1), nothing else changes (2),
 * verify agrees, and rollback restores every table to its checksum (3).
 */
public final class RoundTrip {

    private RoundTrip() {
    }

    /**
     * @param rootTable {@code schema.table} (unquoted)
     * @return the oracle's closure, for further assertions
     */
    public static ClosureOracle.Closure check(ScratchDatabase db, Path dir, String job, String rootTable, String where,
                                              int batchSize, String extraYaml) throws Exception {
        String yaml = "job: " + job + "\nroot:\n  table: " + rootTable + "\n  where: \"" + where.replace("\"", "\\\"")
                + "\"\nbatchSize: " + batchSize + "\n" + extraYaml;
        Path jobFile = JobFiles.write(dir, job + ".yaml", yaml, db.url());
        ClosureOracle.Closure closure;
        List<String> tables;
        Map<String, Map<String, String>> before;
        Map<String, Checksums.Sum> sums;
        try (Connection c = db.connect()) {
            closure = ClosureOracle.compute(c, rootTable, where);
            tables = userTables(c);
            before = TableRows.of(c, tables);
            sums = Checksums.of(c, tables.stream().map(ClosureOracle::quote).toList());
        }

        ok(Cli.run("deploy", "-j", jobFile.toString()));
        ok(Cli.run("run", "-j", jobFile.toString(), "--no-vacuum"));
        long run;
        try (Connection c = db.connect()) {
            run = scalar(c, "SELECT max(run_id) FROM declutter.run WHERE job = '" + job + "'");
            Map<String, Map<String, String>> after = TableRows.of(c, tables);
            for (String t : tables) {
                Set<String> gone = TableRows.missing(before.get(t), after.get(t));
                assertThat(gone).as("rows of %s deleted (expected: exactly the closure)", t)
                        .containsExactlyInAnyOrderElementsOf(closure.keys(t));
                assertThat(TableRows.changed(before.get(t), after.get(t))).as("rows of %s changed", t).isEmpty();
                assertThat(after.get(t).keySet()).as("rows of %s that appeared", t).isSubsetOf(before.get(t).keySet());
                if (!closure.keys(t).isEmpty()) {
                    String backup = scalarText(c, "SELECT 'declutter.' || quote_ident(backup_table) FROM declutter.control"
                            + " WHERE job = '" + job + "' AND is_primary AND child_table = '" + t.replace("'", "''") + "'");
                    assertThat(TableRows.inBackup(c, t, backup, run)).as("backup of %s", t)
                            .isEqualTo(TableRows.only(before.get(t), closure.keys(t)));
                }
            }
        }
        ok(Cli.run("verify", "-j", jobFile.toString()));
        ok(Cli.run("rollback", "-j", jobFile.toString(), "--run", String.valueOf(run)));
        ok(Cli.run("verify", "-j", jobFile.toString(), "--run", String.valueOf(run)));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, tables.stream().map(ClosureOracle::quote).toList()))
                    .as("checksums after rollback").isEqualTo(sums);
        }
        return closure;
    }

    /**
     * The same purge with {@code backup: {archive: archives}} (docs/archive.md#archive-before-delete): the archive
     * written unit by unit verifies against the backup in the database (every file equal to the backup rows of its
     * sequence range), holds as many rows of each table as the run deleted from it; once the backup is expired, no
     * copy is left in the database, and {@code rollback --from} the archive restores every table to its checksum.
     *
     * @param tables the tables to check ({@code schema.table}, unquoted)
     */
    public static void checkArchived(ScratchDatabase db, Path dir, String job, String rootTable, String where,
                                     int batchSize, List<String> tables) throws Exception {
        String yaml = "job: " + job + "\nroot:\n  table: " + rootTable + "\n  where: \"" + where.replace("\"", "\\\"")
                + "\"\nbatchSize: " + batchSize + "\nbackup: {archive: archives}\n";
        Path jobFile = JobFiles.write(dir, job + ".yaml", yaml, db.url());
        Map<String, Checksums.Sum> sums;
        Map<String, Long> counts = new java.util.TreeMap<>();
        List<String> quoted = tables.stream().map(ClosureOracle::quote).toList();
        try (Connection c = db.connect()) {
            sums = Checksums.of(c, quoted);
            for (String t : tables) {
                counts.put(t, scalar(c, "SELECT count(*) FROM " + ClosureOracle.quote(t)));
            }
        }
        ok(Cli.run("deploy", "-j", jobFile.toString()));
        ok(Cli.run("run", "-j", jobFile.toString(), "--no-vacuum"));
        long run;
        Map<String, Long> gone = new java.util.TreeMap<>();
        try (Connection c = db.connect()) {
            run = scalar(c, "SELECT max(run_id) FROM declutter.run WHERE job = '" + job + "'");
            assertThat(scalarText(c, "SELECT status FROM declutter.run WHERE run_id = " + run)).isEqualTo("done");
            for (String t : tables) {
                gone.put(t, counts.get(t) - scalar(c, "SELECT count(*) FROM " + ClosureOracle.quote(t)));
            }
        }
        assertThat(gone.values().stream().mapToLong(Long::longValue).sum()).as("rows purged").isPositive();
        Path archive = dir.resolve("archives").resolve("run-" + run);
        Cli.Result against = Cli.run("archive", "-j", jobFile.toString(), "--verify", archive.toString());
        ok(against);
        assertThat(against.out()).contains("OK: every file matches the manifest and the database's backup.");
        ok(Cli.run("expire", "-j", jobFile.toString(), "--run", String.valueOf(run)));
        Cli.Result verify = Cli.run("verify", "-j", jobFile.toString(), "--run", String.valueOf(run));
        ok(verify);
        assertThat(verify.out()).contains("no copy of its rows remains in the database");
        ok(Cli.run("archive", "-j", jobFile.toString(), "--verify", archive.toString()));
        com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(archive.resolve("manifest.json").toFile());
        Map<String, Long> archived = new java.util.TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode f : m.get("tables")) {
            if (f.get("holdsRows").asBoolean()) {
                archived.merge(f.get("table").asText(), f.get("rows").asLong(), Long::sum);
            }
        }
        for (String t : tables) {
            assertThat(archived.getOrDefault(ClosureOracle.quote(t), archived.getOrDefault(t, 0L)))
                    .as("rows of %s in the archive (manifest: %s)", t, archived).isEqualTo(gone.get(t));
        }
        ok(Cli.run("rollback", "-j", jobFile.toString(), "--run", String.valueOf(run), "--from", archive.toString()));
        try (Connection c = db.connect()) {
            assertThat(Checksums.of(c, quoted)).as("checksums after rollback from the archive").isEqualTo(sums);
        }
    }

    /** Every table of the user's schemas ({@code schema.table}, unquoted), sorted. */
    public static List<String> userTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT n.nspname || '.' || r.relname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace"
                        + " WHERE r.relkind IN ('r', 'p') AND NOT r.relispartition"
                        + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'declutter', 'public')"
                        + " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String scalarText(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
