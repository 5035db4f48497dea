package io.declutter.runner.testing.targets;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.oracle.OracleContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo on Oracle Database Free in a container (Testcontainers {@code oracle-free}): users {@code APP} (the
 * demo's schema, {@code sql/demo/oracle/schema.sql} and {@code data.sql}) and {@code DECLUTTER} (declutter's
 * objects, deployed by the CLI). Where Docker is absent, {@link #create} aborts the calling test class (skipped)
 * and prints why.
 */
public final class OracleTarget implements PurgeTarget {

    public static final String IMAGE = "gvenzl/oracle-free:23-slim-faststart";
    private static final String PASSWORD = "declutter";

    private final OracleContainer oracle;
    private final Path dir;
    private final Path jobFile;

    private OracleTarget(OracleContainer oracle, Path dir, Path jobFile) {
        this.oracle = oracle;
        this.dir = dir;
        this.jobFile = jobFile;
    }

    /** Starts Oracle Database Free, loads the demo and writes the job file; skips the caller without Docker. */
    public static OracleTarget create() throws Exception {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            System.out.println("[declutter tests] Oracle: SKIPPED - no Docker here, so the invariant suite does not run"
                    + " on Oracle (Testcontainers " + IMAGE + "); the Oracle output is checked by the PL/SQL parser,"
                    + " golden files and recorded-catalog tests only");
        }
        Assumptions.assumeTrue(docker, "no Docker: the invariant suite on Oracle needs Testcontainers oracle-free");
        OracleContainer oracle = new OracleContainer(IMAGE).withUsername("app_owner").withPassword("app_owner");
        oracle.start();
        try {
            try (Connection c = system(oracle); Statement st = c.createStatement()) {
                for (String user : List.of("APP", "DECLUTTER")) {
                    st.execute("CREATE USER " + user + " IDENTIFIED BY " + PASSWORD + " QUOTA UNLIMITED ON users");
                }
                st.execute("GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE PROCEDURE, CREATE JOB,"
                        + " CREATE SEQUENCE TO DECLUTTER");
                st.execute("GRANT EXECUTE ON SYS.DBMS_LOCK TO DECLUTTER");
                st.execute("GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO DECLUTTER");
                // what grants.sql grants table by table, granted wholesale here
                st.execute("GRANT SELECT ANY TABLE, INSERT ANY TABLE, UPDATE ANY TABLE, DELETE ANY TABLE,"
                        + " ALTER ANY TABLE, FLASHBACK ANY TABLE, SELECT ANY SEQUENCE, ALTER ANY SEQUENCE TO DECLUTTER");
                for (String script : List.of("schema.sql", "data.sql")) {
                    for (String statement : statements(Files.readString(Path.of("../sql/demo/oracle", script)))) {
                        st.execute(statement);
                    }
                }
            }
            Path dir = Files.createTempDirectory("declutter-oracle");
            Files.writeString(dir.resolve("password"), PASSWORD);
            Path jobFile = dir.resolve("tenant_purge.yaml");
            Files.writeString(jobFile, Files.readString(Path.of("../sql/demo/oracle/tenant_purge.yaml"))
                    + "database:\n  url: " + oracle.getJdbcUrl() + "\n  user: DECLUTTER\n  passwordFile: "
                    + dir.resolve("password") + "\n");
            return new OracleTarget(oracle, dir, jobFile);
        } catch (Exception | Error e) {
            oracle.stop();
            throw e;
        }
    }

    private static Connection system(OracleContainer oracle) throws SQLException {
        return DriverManager.getConnection(oracle.getJdbcUrl(), "system", oracle.getPassword());
    }

    /** Statements of a script whose statements end with a line holding only "/". */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        for (String s : script.split("(?m)^\\s*/\\s*$")) {
            String code = s.replaceAll("(?m)^\\s*--.*$", "").strip();
            if (!code.isEmpty()) {
                out.add(code.matches("(?s)^(BEGIN|DECLARE|CREATE OR REPLACE).*") ? code : code.replaceAll(";\\s*$", ""));
            }
        }
        return out;
    }

    /** The container's JDBC URL (no credentials in it). */
    public String jdbcUrl() {
        return oracle.getJdbcUrl();
    }

    @Override
    public String dialect() {
        return "Oracle";
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public Path jobFile() {
        return jobFile;
    }

    /** SYSTEM: reads and locks the tables of APP and DECLUTTER, reads the ALL_* views of both. */
    @Override
    public Connection connect() throws SQLException {
        return system(oracle);
    }

    @Override
    public String appSchema() {
        return "APP";
    }

    @Override
    public String declutterSchema() {
        return "DECLUTTER";
    }

    @Override
    public void close() throws Exception {
        oracle.stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
