package io.declutter.runner.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's backup leaves the database (docs/archive.md), driven through the CLI on the demo: {@code archive --to} writes
 * compressed CSV files, SHA256SUMS and a manifest readable by the owner only; {@code archive --verify} checks them
 * against the manifest and the database's backup, and catches a changed file; {@code expire} drops the backup rows
 * and marks the run expired; {@code rollback} of the expired run is refused naming the archive; {@code rollback
 * --from} loads the archive and restores every table to its checksums from before the purge.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveRestoreTest {

    private static DemoPurge demo;
    private static Map<String, Checksums.Sum> checksumsBefore;
    private static Path archive;
    private static long run;
    private static long backupRows;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoPurge.create("archive");
        try (Connection c = demo.connect()) {
            checksumsBefore = PurgeAssertions.checksums(c);
        }
        demo.generateAndDeploy();
        demo.cli(0, "run");
        try (Connection c = demo.connect()) {
            run = demo.procs(c).latestRun().orElseThrow();
            backupRows = backupRows(c);
        }
        assertThat(backupRows).isGreaterThan(1000);
        archive = demo.dir().resolve("archives").resolve("run-" + run);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private static long backupRows(Connection c) throws Exception {
        long rows = 0;
        try (Statement st = c.createStatement()) {
            for (String backup : DemoPurge.backupTables(c).values()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + backup + " WHERE declutter_run = " + run)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
        }
        return rows;
    }

    @Test
    @Order(1)
    void archiveWritesTheBackupOwnerOnlyWithAManifest() throws Exception {
        Cli.Result r = demo.cli(0, "archive", "--run", Long.toString(run), "--to", archive.toString());
        assertThat(r.out()).contains(String.format("Run %d archived to %s", run, archive))
                .contains(String.format("%,d rows", backupRows));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rwx------");
        List<String> names = new ArrayList<>();
        try (var files = Files.list(archive)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        for (String name : names) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.resolve(name))))
                    .as(name).isEqualTo("rw-------");
        }
        assertThat(names).contains("manifest.json", "SHA256SUMS", "01-bk_tenant_purge_tenants.csv.gz");

        JsonNode m = new ObjectMapper().readTree(archive.resolve("manifest.json").toFile());
        assertThat(m.get("job").asText()).isEqualTo(DemoPurge.JOB);
        assertThat(m.get("run").asLong()).isEqualTo(run);
        assertThat(m.get("root").asText()).isEqualTo("app.tenants");
        assertThat(m.get("rootPredicate").asText()).contains("closed");
        assertThat(m.get("rows").asLong()).isEqualTo(backupRows);
        assertThat(m.get("tables").get(0).get("table").asText()).as("restore order: the root first").isEqualTo("app.tenants");
        assertThat(m.get("tables").get(0).get("columns").findValuesAsText("name")).contains("declutter_run", "id", "status");
        assertThat(m.get("sha256").asText()).hasSize(64);
        long total = 0;
        for (JsonNode t : m.get("tables")) {
            total += t.get("rows").asLong();
        }
        assertThat(total).isEqualTo(backupRows);

        // readable without declutter: the tenants file is CSV with a header, one line per purged tenant
        try (var in = new GZIPInputStream(Files.newInputStream(archive.resolve("01-bk_tenant_purge_tenants.csv.gz")))) {
            List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            assertThat(lines.get(0)).startsWith("declutter_run,declutter_seq,");
            assertThat(lines).hasSize(1 + (int) m.get("tables").get(0).get("rows").asLong());
        }

        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT location, sha256, rows, created_by FROM declutter.archive"
                     + " WHERE run_id = " + run)) {
            assertThat(rs.next()).as("the archive is recorded").isTrue();
            assertThat(rs.getString(1)).isEqualTo(archive.toAbsolutePath().toString());
            assertThat(rs.getString(2)).isEqualTo(m.get("sha256").asText());
            assertThat(rs.getLong(3)).isEqualTo(backupRows);
        }
        // an archive never overwrites one
        assertThat(demo.cli(2, "archive", "--run", Long.toString(run), "--to", archive.toString()).err())
                .contains("is not empty");
    }

    @Test
    @Order(2)
    void verifyChecksTheFilesAndTheDatabaseAndCatchesAChangedFile() throws Exception {
        Cli.Result ok = demo.cli(0, "archive", "--verify", archive.toString());
        assertThat(ok.out()).contains("OK: every file matches the manifest and the database's backup.");

        Path copy = demo.dir().resolve("tampered");
        Files.createDirectories(copy);
        try (var files = Files.list(archive)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path users = copy.resolve(Files.list(copy).map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith("bk_tenant_purge_users.csv.gz")).findFirst().orElseThrow());
        byte[] bytes = Files.readAllBytes(users);
        bytes[bytes.length / 2] ^= 1;
        Files.write(users, bytes);
        Cli.Result bad = demo.cli(1, "archive", "--verify", copy.toString());
        assertThat(bad.out()).contains("PROBLEM: " + users.getFileName() + " (app.users)");

        // a backup row changed in the database since the archive was written
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE declutter.bk_tenant_purge_tenants SET name = name || 'x' WHERE declutter_run = " + run
                    + " AND declutter_seq = (SELECT min(declutter_seq) FROM declutter.bk_tenant_purge_tenants)");
            assertThat(demo.cli(1, "archive", "--verify", archive.toString()).out())
                    .contains("PROBLEM: app.tenants: the database's backup of run " + run);
            st.execute("UPDATE declutter.bk_tenant_purge_tenants SET name = left(name, -1) WHERE declutter_run = " + run
                    + " AND declutter_seq = (SELECT min(declutter_seq) FROM declutter.bk_tenant_purge_tenants)");
        }
        demo.cli(0, "archive", "--verify", archive.toString());
    }

    /** Values of the purged rows that no receipt may show: tenant names and user e-mail addresses. */
    private static List<String> erasedValues() throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM declutter.bk_tenant_purge_tenants WHERE declutter_run = "
                     + run + " UNION ALL SELECT email FROM declutter.bk_tenant_purge_users WHERE declutter_run = " + run)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        assertThat(values).hasSizeGreaterThan(10);
        return values;
    }

    @Test
    @Order(3)
    void receiptSaysWhatWasErasedAndWhereCopiesAreWithoutErasedValues() throws Exception {
        List<String> erased = erasedValues();
        Files.writeString(demo.jobFile(), Files.readString(demo.jobFile()) + "receipt:\n  hashKeys: true\n");
        Path page = demo.dir().resolve("receipt.html");
        Cli.Result r = demo.cli(0, "receipt", "--run", Long.toString(run), "--json", "--html", page.toString());
        String html = Files.readString(page);
        JsonNode d = new ObjectMapper().readTree(r.out().substring(0, r.out().lastIndexOf('}') + 1));
        assertThat(d.get("run").asLong()).isEqualTo(run);
        assertThat(d.get("root").get("table").asText()).isEqualTo("app.tenants");
        assertThat(d.get("verify").get("result").asText()).isEqualTo("ok");
        assertThat(d.get("startedBy").asText()).isNotBlank();
        assertThat(d.get("firstDelete").asText()).isNotBlank();
        long tenants;
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id::text FROM declutter.bk_tenant_purge_tenants WHERE declutter_run = "
                     + run + " ORDER BY declutter_seq")) {
            List<String> hashes = new ArrayList<>();
            while (rs.next()) {
                hashes.add(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(rs.getString(1).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            }
            tenants = hashes.size();
            List<String> shown = new ArrayList<>();
            d.get("root").get("keySha256").forEach(k -> shown.add(k.asText()));
            assertThat(shown).containsExactlyElementsOf(hashes);
        }
        assertThat(d.get("root").get("keys").asLong()).isEqualTo(tenants);
        long erasedRows = 0;
        for (JsonNode t : d.get("tables")) {
            erasedRows += t.get("rowsErased").asLong();
        }
        assertThat(d.get("rowsErased").asLong()).isEqualTo(erasedRows).isPositive();
        assertThat(d.get("copies").get(0).get("kind").asText()).isEqualTo("backup tables");
        assertThat(d.get("copies").get(0).get("rows").asLong()).isEqualTo(backupRows);
        assertThat(d.get("copies").get(1).get("location").asText()).isEqualTo(archive.toAbsolutePath().toString());
        assertThat(html).contains("Erasure receipt").contains(archive.toAbsolutePath().toString());
        // the page as a real browser reads it (headless Chromium's DOM): every table row is there
        String dom = renderedDom(page);
        assertThat(dom).contains("<h1>Erasure receipt</h1>").contains(String.format("%,d", erasedRows) + " in "
                + d.get("tables").size() + " tables").contains("<td>" + archive.toAbsolutePath() + "</td>");
        assertThat(dom.split("<tr>", -1)).as("header rows and one row per table and copy")
                .hasSize(1 + 2 + d.get("tables").size() + d.get("copies").size());
        for (String value : erased) {
            assertThat(r.out()).as("the receipt shows no erased value").doesNotContain(value);
            assertThat(html).as("the receipt page shows no erased value").doesNotContain(value);
        }
    }

    /** The DOM headless Chromium builds from the page (Debian's chromium; .ci/run installs it). */
    private static String renderedDom(Path page) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(chromium) || "true".equals(System.getenv("CI")),
                "no chromium here");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + demo.dir().resolve("chromium"), "--dump-dom", page.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("chromium exit code").isZero();
        return dom;
    }

    @Test
    @Order(4)
    void expireDropsTheBackupAndRollbackNamesTheArchive() throws Exception {
        Cli.Result dry = demo.cli(0, "expire", "--run", Long.toString(run), "--dry-run");
        assertThat(dry.out()).contains(String.format("would drop %,d backup rows", backupRows));
        try (Connection c = demo.connect()) {
            assertThat(backupRows(c)).isEqualTo(backupRows);
        }

        Cli.Result r = demo.cli(0, "expire", "--run", Long.toString(run));
        assertThat(r.out()).contains(String.format("dropped %,d backup rows", backupRows)).contains(archive.toString());
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            assertThat(backupRows(c)).isZero();
            try (ResultSet rs = st.executeQuery("SELECT status, expired_at IS NOT NULL, expired_by, expired_from"
                    + " FROM declutter.run WHERE run_id = " + run)) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("expired");
                assertThat(rs.getBoolean(2)).isTrue();
                assertThat(rs.getString(3)).isEqualTo(c.getMetaData().getUserName());
                assertThat(rs.getString(4)).isEqualTo("done");
            }
        }
        assertThat(demo.cli(0, "verify", "--run", Long.toString(run)).out())
                .contains("no copy of its rows remains in the database");

        Cli.Result refused = demo.cli(2, "rollback", "--run", Long.toString(run));
        assertThat(refused.err()).contains("has expired").contains("--from DIR").contains(archive.toString());
        // the procedure refuses too, for a DBA calling it from psql
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            st.execute("CALL declutter.tenant_purge_rollback(" + run + ")");
            throw new AssertionError("the rollback procedure restored an expired run");
        } catch (java.sql.SQLException e) {
            assertThat(e.getMessage()).contains("has expired").contains(archive.toAbsolutePath().toString());
        }
        assertThat(demo.cli(0, "archive", "--verify", archive.toString()).out())
                .contains("backup has expired").contains("OK: every file matches the manifest.");

        // the receipt after the expiry: verify as it was before, the backup dropped, the archive the only copy
        JsonNode d = new ObjectMapper().readTree(demo.cli(0, "receipt", "--run", Long.toString(run), "--json").out());
        assertThat(d.get("runStatus").asText()).isEqualTo("expired");
        assertThat(d.get("verify").get("result").asText()).isEqualTo("ok");
        assertThat(d.get("verify").get("when").asText()).isEqualTo("before the backup expired");
        assertThat(d.get("copies").get(0).get("state").asText()).isEqualTo("dropped");
        assertThat(d.get("copies").get(0).get("expiredBy").asText()).isNotBlank();
        assertThat(d.get("copies").get(1).get("state").asText()).isEqualTo("present on this host");
        assertThat(demo.cli(0, "status", "--run", Long.toString(run)).out()).contains("backup: expired")
                .contains("archived to " + archive.toAbsolutePath());
    }

    @Test
    @Order(5)
    void rollbackFromTheArchiveRestoresEveryTable() throws Exception {
        Cli.Result r = demo.cli(0, "rollback", "--run", Long.toString(run), "--from", archive.toString());
        assertThat(r.out()).contains(String.format("%,d rows loaded", backupRows)).contains("rolled back");
        try (Connection c = demo.connect()) {
            PurgeAssertions.assertRolledBack(demo, c, run, checksumsBefore);
        }
    }
}
