package io.declutter.runner.oracle;

import io.declutter.dialect.oracle.OracleDialect;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.runner.testing.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.oracle.OracleContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariants of SPEC §5 on Oracle, with the checks the PostgreSQL suite makes (complete purge, verify, rollback
 * with per-table checksums equal, resume after a stop), driven the same way, through the CLI: generate, deploy
 * (Liquibase), run, verify, rollback. Oracle Database Free runs in a container (Testcontainers oracle-free);
 * where Docker is absent the class is skipped, and says so. Also checks that the live catalog reads back as the
 * recorded one the unit tests use (sql/demo/oracle/catalog).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OracleInvariantsTest {

    private static final String IMAGE = "gvenzl/oracle-free:23-slim-faststart";
    private static OracleContainer oracle;
    private static Path dir;
    private static Path jobFile;
    private static Map<String, String> before;

    @BeforeAll
    static void start() throws Exception {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            System.out.println("[declutter tests] Oracle: SKIPPED - no Docker here, so the Oracle invariant suite"
                    + " (Testcontainers oracle-free) does not run; the Oracle output is checked by the PL/SQL parser,"
                    + " golden files and recorded-catalog tests only");
        }
        Assumptions.assumeTrue(docker, "no Docker: the Oracle invariant suite needs Testcontainers oracle-free");
        oracle = new OracleContainer(IMAGE).withUsername("app_owner").withPassword("app_owner");
        oracle.start();
        try (Connection c = system(); Statement st = c.createStatement()) {
            for (String user : List.of("APP", "DECLUTTER")) {
                st.execute("CREATE USER " + user + " IDENTIFIED BY declutter QUOTA UNLIMITED ON users");
            }
            st.execute("GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE PROCEDURE, CREATE JOB, CREATE SEQUENCE"
                    + " TO DECLUTTER");
            st.execute("GRANT EXECUTE ON SYS.DBMS_LOCK TO DECLUTTER");
            st.execute("GRANT SELECT ANY TABLE, INSERT ANY TABLE, UPDATE ANY TABLE, DELETE ANY TABLE, ALTER ANY TABLE"
                    + " TO DECLUTTER");
            for (String statement : statements(Files.readString(Path.of("../sql/demo/oracle/schema.sql")))) {
                st.execute(statement);
            }
            for (String statement : statements(Files.readString(Path.of("../sql/demo/oracle/data.sql")))) {
                st.execute(statement);
            }
        }
        dir = Files.createTempDirectory("declutter-oracle");
        jobFile = dir.resolve("tenant_purge.yaml");
        Files.writeString(jobFile, Files.readString(Path.of("../sql/demo/oracle/tenant_purge.yaml"))
                + "database:\n  url: " + oracle.getJdbcUrl() + "\n  user: DECLUTTER\n  passwordEnv: DECLUTTER_TEST_ORACLE_PASSWORD\n");
    }

    @AfterAll
    static void stop() {
        if (oracle != null) {
            oracle.stop();
        }
    }

    private static Connection system() throws Exception {
        return DriverManager.getConnection(oracle.getJdbcUrl(), "system", oracle.getPassword());
    }

    /** Statements of a script whose statements end with a line holding only "/". */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        for (String s : script.split("(?m)^\\s*/\\s*$")) {
            String code = s.replaceAll("(?m)^\\s*--.*$", "").strip();
            if (!code.isEmpty()) {
                out.add(code.matches("(?s)^(BEGIN|DECLARE|CREATE OR REPLACE).*") ? code : code.replaceAll(";\\s*$", ""));
            }
        }
        return out;
    }

    private static Cli.Result cli(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb, "-j", jobFile.toString(), "--password-file",
                dir.resolve("password").toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /** Order-independent checksums of every APP table, computed in Java from every column (LOBs included). */
    static Map<String, String> checksums(Connection c) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT table_name FROM all_tables WHERE owner = 'APP' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String t : tables) {
            List<String> rows = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM APP." + t)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.append(rs.getString(i)).append('\u0001');
                    }
                    rows.add(row.toString());
                }
            }
            rows.sort(null);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            rows.forEach(r -> md5.update(r.getBytes(StandardCharsets.UTF_8)));
            sums.put(t, rows.size() + " " + HexFormat.of().formatHex(md5.digest()));
        }
        return sums;
    }

    @Test
    @Order(1)
    void theLiveCatalogReadsBackAsTheRecordedOne() throws Exception {
        Path recorded = dir.resolve("catalog");
        try (Connection c = system()) {
            RecordedCatalog.record(c, OracleDialect.latest(), recorded);
        }
        var live = RecordedCatalog.read(recorded, OracleDialect.latest());
        var fixture = RecordedCatalog.read(Path.of("../sql/demo/oracle/catalog"), OracleDialect.latest());
        assertThat(live.foreignKeys()).isEqualTo(fixture.foreignKeys());
        assertThat(live.tables()).extracting(t -> t.name().display() + t.columns() + t.keys())
                .isEqualTo(fixture.tables().stream().map(t -> t.name().display() + t.columns() + t.keys()).toList());
    }

    @Test
    @Order(2)
    void generateDeployPurgeVerify() throws Exception {
        Files.writeString(dir.resolve("password"), "declutter");
        try (Connection c = system()) {
            before = checksums(c);
        }
        Path generated = dir.resolve("generated");
        assertThat(cli("generate", "-o", generated.toString()).exitCode()).isZero();
        assertThat(cli("deploy", "--dir", generated.toString()).exitCode()).isZero();
        Cli.Result run = cli("run", "--ignore-window", "--batch-size", "500");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Cli.Result verify = cli("verify");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("OK: no purged row remains and no row references a purged row.");
        try (Connection c = system()) {
            assertThat(checksums(c)).isNotEqualTo(before);
        }
    }

    @Test
    @Order(3)
    void rollbackRestoresEveryTableExactly() throws Exception {
        Cli.Result r = cli("rollback", "--run", "1");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(cli("verify", "--run", "1").out()).contains("OK: every purged row is back.");
        try (Connection c = system()) {
            assertThat(checksums(c)).isEqualTo(before);
        }
    }

    @Test
    @Order(4)
    void aStoppedRunResumesToTheSameEnd() throws Exception {
        Path stop = dir.resolve("stop");
        Files.writeString(stop, "");
        assertThat(cli("run", "--ignore-window", "--batch-size", "100", "--stop-file", stop.toString()).exitCode())
                .isEqualTo(4);
        Files.delete(stop);
        Cli.Result resumed = cli("run", "--ignore-window", "--batch-size", "100");
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(cli("verify").out()).contains("OK: no purged row remains");
    }
}
