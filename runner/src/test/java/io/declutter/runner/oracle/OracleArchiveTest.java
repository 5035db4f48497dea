package io.declutter.runner.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.targets.JdbcSchema;
import io.declutter.runner.testing.targets.OracleTarget;
import io.declutter.runner.testing.targets.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup lifecycle on Oracle Database Free in a container (docs/archive.md#oracle), through the CLI on the demo
 * (whose documents and events hold CLOBs): {@code archive --to} and {@code --verify}, the receipt, {@code expire}
 * (the backup rows gone, the run expired, rollback refused by the runner and by the database), {@code rollback
 * --from} restoring every table to its rows before the purge; then a run that archives every unit before it commits
 * with {@code keep: 0}, which leaves no backup row in the database and rolls back from its archive. Skipped where
 * Docker is absent, and says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OracleArchiveTest {

    private static final String JOB = "tenant_purge";

    private OracleTarget target;
    private String skipped;
    private Snapshot before;
    private JdbcSchema schema;
    private long run;
    private long backupRows;
    private Path archive;

    @BeforeAll
    void setUp() throws Exception {
        try {
            target = OracleTarget.create();
        } catch (TestAbortedException e) {
            skipped = e.getMessage();
            return;
        }
        try (Connection c = target.connect()) {
            schema = JdbcSchema.read(c, target.appSchema());
            before = Snapshot.read(c, schema);
        }
        Path generated = target.dir().resolve("generated");
        cli(0, "generate", "-o", generated.toString());
        cli(0, "deploy", "--dir", generated.toString());
        cli(0, "run", "--ignore-window", "--batch-size", "200");
        try (Connection c = target.connect()) {
            run = latestRun(c);
            backupRows = backupRows(c, run);
        }
        assertThat(backupRows).isGreaterThan(100);
        archive = target.dir().resolve("archives").resolve("run-" + run);
    }

    @BeforeEach
    void skipWithoutDocker() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (target != null) {
            target.close();
        }
    }

    @Test
    @Order(1)
    void archiveWritesTheBackupAsCsvWithAManifestAndVerifies() throws Exception {
        Cli.Result r = cli(0, "archive", "--run", Long.toString(run), "--to", archive.toString());
        assertThat(r.out()).contains(String.format("%,d rows", backupRows));
        JsonNode manifest = new ObjectMapper().readTree(archive.resolve("manifest.json").toFile());
        assertThat(manifest.get("rows").asLong()).isEqualTo(backupRows);
        assertThat(manifest.get("csv").get("format").asText()).contains("Oracle");
        assertThat(manifest.get("tables").get(0).get("table").asText()).isEqualTo("APP.TENANTS");
        // the root's file: COPY's CSV with a header, the backup's own columns first
        Path root = archive.resolve(manifest.get("tables").get(0).get("file").asText());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(root)),
                StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).startsWith("DECLUTTER_RUN,DECLUTTER_SEQ,");
            assertThat(in.readLine()).startsWith(run + ",");
        }
        // the same rows give the same bytes: verify exports the backup again and compares
        assertThat(cli(0, "archive", "--verify", archive.toString()).out())
                .contains("OK: every file matches the manifest.");
    }

    @Test
    @Order(2)
    void receiptNamesTheBackupAndTheArchive() throws Exception {
        JsonNode d = new ObjectMapper().readTree(cli(0, "receipt", "--run", Long.toString(run), "--json").out());
        assertThat(d.get("runStatus").asText()).isEqualTo("done");
        assertThat(d.get("verify").get("result").asText()).isEqualTo("ok");
        assertThat(d.toString()).contains(archive.toAbsolutePath().toString());
    }

    @Test
    @Order(3)
    void expireDropsTheBackupAndRollbackIsRefusedNamingTheArchive() throws Exception {
        Cli.Result r = cli(0, "expire", "--run", Long.toString(run));
        assertThat(r.out()).contains(String.format("dropped %,d backup rows", backupRows));
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            assertThat(backupRows(c, run)).isZero();
            try (ResultSet rs = st.executeQuery("SELECT status, expired_by, expired_from FROM DECLUTTER.RUN"
                    + " WHERE run_id = " + run)) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("expired");
                assertThat(rs.getString(2)).isEqualTo("DECLUTTER");
                assertThat(rs.getString(3)).isEqualTo("done");
            }
        }
        assertThat(cli(2, "rollback", "--run", Long.toString(run)).err()).contains("has expired")
                .contains(archive.toString());
        // the database refuses too (RUN_EXPIRED_GUARD), for a DBA calling the package from SQL*Plus
        try (Connection c = target.connect(); CallableStatement cs = c.prepareCall("{call DECLUTTER.TENANT_PURGE"
                + ".ROLLBACK_RUN(?)}")) {
            cs.setLong(1, run);
            cs.execute();
            throw new AssertionError("ROLLBACK_RUN rolled back an expired run");
        } catch (SQLException e) {
            assertThat(e.getErrorCode()).isEqualTo(20010);
            assertThat(e.getMessage()).contains("has expired").contains(archive.toAbsolutePath().toString());
        }
    }

    @Test
    @Order(4)
    void rollbackFromTheArchiveRestoresEveryRow() throws Exception {
        Cli.Result r = cli(0, "rollback", "--run", Long.toString(run), "--from", archive.toString());
        assertThat(r.out()).contains(String.format("%,d rows loaded", backupRows));
        try (Connection c = target.connect()) {
            assertThat(Snapshot.read(c, schema).rows()).isEqualTo(before.rows());
        }
    }

    @Test
    @Order(5)
    void archivingEveryUnitWithKeepZeroLeavesNoCopyInTheDatabase() throws Exception {
        Path archives = target.dir().resolve("unit-archives");
        Path jobFile = target.dir().resolve("archiving.yaml");
        Files.writeString(jobFile, Files.readString(target.jobFile()).replace("backup: true\n",
                "backup:\n  keep: 0\n  archive: " + archives + "\n"));
        Cli.Result r = Cli.run("run", "-j", jobFile.toString(), "--ignore-window", "--batch-size", "200");
        Cli.ok(r);
        long unitRun;
        try (Connection c = target.connect()) {
            unitRun = latestRun(c);
            assertThat(unitRun).isGreaterThan(run);
            assertThat(backupRows(c, unitRun)).as("backup rows left with keep: 0").isZero();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM DECLUTTER.ARCHIVE_BATCH"
                    + " WHERE run_id = ?")) {
                ps.setLong(1, unitRun);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).isPositive();
                }
            }
        }
        Path dir = archives.resolve("run-" + unitRun);
        Cli.ok(Cli.run("archive", "-j", jobFile.toString(), "--verify", dir.toString()));
        Cli.Result back = Cli.run("rollback", "-j", jobFile.toString(), "--run", Long.toString(unitRun), "--from",
                dir.toString());
        Cli.ok(back);
        try (Connection c = target.connect()) {
            assertThat(Snapshot.read(c, schema).rows()).isEqualTo(before.rows());
        }
    }

    private Cli.Result cli(int expectedExit, String verb, String... args) {
        Cli.Result r = target.cli(verb, args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(expectedExit);
        return r;
    }

    private static long latestRun(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT MAX(run_id) FROM DECLUTTER.RUN WHERE job = '" + JOB + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The run's rows in every backup table of the job, counted with plain SQL. */
    private static long backupRows(Connection c, long run) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT backup_table FROM"
                + " DECLUTTER.CONTROL WHERE job = '" + JOB + "' AND backup_table IS NOT NULL")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        long rows = 0;
        try (Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM DECLUTTER.\"" + t + "\" WHERE declutter_run = "
                        + run)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
        }
        return rows;
    }
}
