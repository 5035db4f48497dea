package io.declutter.runner.roles;

import io.declutter.localdb.JdbcUrls;
import io.declutter.localdb.PostgresLocator;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The least-privilege roles of roles.sql (docs/roles.md), against real PostgreSQL: the demo job deployed, roles.sql
 * run (twice), and users who log in as members of each role. Each does exactly its part: the operator purges to the
 * end without any privilege on an application table, the viewer reads progress, the restorer rolls back to the
 * checksums before the purge, and none reads a backup table; a user in no role does nothing at all.
 */
class DatabaseRolesTest {

    private static final String SUFFIX = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
            .toLowerCase(Locale.ROOT);
    private static final String OWNER = "dcl_owner_" + SUFFIX;
    private static final String OPERATOR = "dcl_operator_" + SUFFIX;
    private static final String VIEWER = "dcl_viewer_" + SUFFIX;
    private static final String RESTORER = "dcl_restorer_" + SUFFIX;
    private static final String OP_USER = "dcl_u_op_" + SUFFIX;
    private static final String VIEW_USER = "dcl_u_view_" + SUFFIX;
    private static final String REST_USER = "dcl_u_rest_" + SUFFIX;
    private static final String NO_USER = "dcl_u_none_" + SUFFIX;
    private static final List<String> ROLES = List.of(OP_USER, VIEW_USER, REST_USER, NO_USER, OPERATOR, VIEWER,
            RESTORER, OWNER);

    private static DemoPurge demo;
    private static String password;
    private static Path passwordFile;

    @BeforeAll
    static void deployWithRoles() throws Exception {
        PostgresLocator.Server server = TestDatabase.server();
        password = "pw" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            for (String role : List.of(OWNER, OPERATOR, VIEWER, RESTORER)) {
                st.execute("CREATE ROLE " + role + " NOLOGIN");
            }
            st.execute("CREATE ROLE " + OP_USER + " LOGIN PASSWORD '" + password + "' IN ROLE " + OPERATOR);
            st.execute("CREATE ROLE " + VIEW_USER + " LOGIN PASSWORD '" + password + "' IN ROLE " + VIEWER);
            st.execute("CREATE ROLE " + REST_USER + " LOGIN PASSWORD '" + password + "' IN ROLE " + RESTORER);
            st.execute("CREATE ROLE " + NO_USER + " LOGIN PASSWORD '" + password + "'");
        }
        demo = DemoPurge.create("roles");
        passwordFile = demo.dir().resolve("login.password");
        Files.writeString(passwordFile, password);
        Files.writeString(demo.jobFile(), Files.readString(demo.jobFile()) + "roles:\n  owner: " + OWNER
                + "\n  operator: " + OPERATOR + "\n  viewer: " + VIEWER + "\n  restorer: " + RESTORER + "\n");
        demo.generateAndDeploy();
        String roles = Files.readString(demo.dir().resolve("generated/roles.sql"));
        try (Connection c = demo.connect()) {
            SqlScripts.run(c, roles);
            SqlScripts.run(c, roles); // running it again changes nothing and fails on nothing
        }
    }

    @AfterAll
    static void dropAll() throws Exception {
        if (demo != null) {
            demo.close();
        }
        PostgresLocator.Server server = TestDatabase.server();
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            // the SET privilege on session_replication_role is server-wide: DROP OWNED revokes it
            st.execute("DROP OWNED BY " + String.join(", ", ROLES));
            for (String role : ROLES) {
                st.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    private Cli.Result as(String user, String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--user", user, "--password-file", passwordFile.toString()));
        return demo.cli(verb, all.toArray(String[]::new));
    }

    private Connection connectAs(String user) throws SQLException {
        String database;
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            database = rs.getString(1);
        }
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return java.sql.DriverManager.getConnection(JdbcUrls.withDatabase(TestDatabase.server().adminUrl(), database), p);
    }

    private static SQLException refused(Connection c, String sql) {
        SQLException e = catchThrowableOfType(() -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }, SQLException.class);
        assertThat((Throwable) e).as("%s was allowed", sql).isNotNull();
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501");
        return e;
    }

    private static void assertRefusedCommand(Cli.Result r, String role) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("connect as a role that has").contains(role)
                .contains("docs/roles.md");
    }

    @Test
    void eachRoleDoesExactlyItsPart() throws Exception {
        Map<String, Checksums.Sum> before;
        List<String> backups;
        try (Connection c = demo.connect()) {
            before = Checksums.of(c, Checksums.tablesOf(c, "app"));
            backups = new ArrayList<>(DemoPurge.backupTables(c).values());
        }
        assertThat(backups).hasSizeGreaterThan(10);

        // No one but the owner has any privilege on an application table or a backup table.
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class AS t, unnest(ARRAY['" + OPERATOR + "', '"
                     + VIEWER + "', '" + RESTORER + "', '" + NO_USER + "', '" + OP_USER + "']) AS r(name)"
                     + " WHERE t.relnamespace IN ('app'::regnamespace, 'declutter'::regnamespace) AND t.relkind = 'r'"
                     + " AND t.relname NOT IN ('run', 'control', 'log', 'trigger_effect', 'archive', 'archive_batch', 'run_key',"
                     + " 'api_request')"
                     + " AND has_table_privilege(r.name, t.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }

        // The operator starts a run that stops at once (its deadline has passed), and the viewer may not stop it.
        Cli.Result first = as(OP_USER, "run", "--max-duration", "1ms");
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(4);
        assertRefusedCommand(as(VIEW_USER, "stop"), OPERATOR);
        assertRefusedCommand(as(NO_USER, "stop"), OPERATOR);
        Cli.ok(as(OP_USER, "stop"));
        // ... and purges to the end.
        Cli.Result run = as(OP_USER, "run");
        Cli.ok(run);
        assertThat(run.out()).contains("skipped, which only their owner may vacuum");
        long runId;
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT run_id, status, started_by FROM declutter.run ORDER BY run_id DESC")) {
            rs.next();
            runId = rs.getLong(1);
            assertThat(rs.getString(2)).isEqualTo("done");
            assertThat(rs.getString(3)).isEqualTo(OP_USER);
        }
        try (Connection c = demo.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM app.tenants WHERE status = 'closed'"
                     + " AND closed_at < now() - interval '90 days'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }

        // Operator: reads progress, not a backup, not an application table; may not roll back.
        try (Connection op = connectAs(OP_USER)) {
            try (Statement st = op.createStatement()) {
                st.execute("SELECT count(*) FROM declutter.log");
            }
            for (String backup : backups) {
                refused(op, "SELECT * FROM " + backup + " LIMIT 1");
            }
            refused(op, "SELECT * FROM declutter.run_key");
            refused(op, "SELECT * FROM app.tenants LIMIT 1");
            refused(op, "CALL declutter.tenant_purge_rollback(" + runId + ")");
            refused(op, "UPDATE declutter.control SET rows_deleted = 0");
            // declutter serve records the Idempotency-Key of the run it starts (docs/serve.md#idempotency).
            try (Statement st = op.createStatement()) {
                st.execute("INSERT INTO declutter.api_request (idempotency_key, job, run_id, token_name) VALUES ('k1',"
                        + " 'tenant_purge', " + runId + ", 'ci')");
            }
            refused(op, "DELETE FROM declutter.api_request");
        }
        assertRefusedCommand(as(OP_USER, "rollback", "--run", Long.toString(runId)), RESTORER);

        // Viewer: status and verify; no backup, no run, no rollback.
        Cli.Result status = as(VIEW_USER, "status");
        Cli.ok(status);
        assertThat(status.out()).contains("app.tenants");
        Cli.ok(as(VIEW_USER, "verify", "--run", Long.toString(runId)));
        try (Connection view = connectAs(VIEW_USER)) {
            for (String backup : backups) {
                refused(view, "SELECT * FROM " + backup + " LIMIT 1");
            }
            refused(view, "SELECT declutter.begin_run('tenant_purge', NULL, 10)");
            refused(view, "INSERT INTO declutter.log (run_id, action, started_at) VALUES (" + runId + ", 'x', now())");
            refused(view, "INSERT INTO declutter.api_request (idempotency_key, job, run_id, token_name) VALUES ('k2',"
                    + " 'tenant_purge', " + runId + ", 'v')");
            try (Statement st = view.createStatement()) {
                st.execute("SELECT count(*) FROM declutter.api_request");
            }
        }
        assertRefusedCommand(as(VIEW_USER, "run"), OPERATOR);
        assertRefusedCommand(as(VIEW_USER, "rollback", "--run", Long.toString(runId)), RESTORER);

        // A user in no role: nothing at all.
        assertRefusedCommand(as(NO_USER, "status"), VIEWER);
        assertRefusedCommand(as(NO_USER, "run"), OPERATOR);
        try (Connection none = connectAs(NO_USER)) {
            refused(none, "SELECT * FROM declutter.run");
            refused(none, "CALL declutter.tenant_purge_step(1, 10, false, NULL, NULL, NULL)");
            refused(none, "SELECT * FROM app.tenants");
        }

        // Restorer: rolls back, reads no backup, may not run.
        try (Connection rest = connectAs(REST_USER)) {
            for (String backup : backups) {
                refused(rest, "SELECT * FROM " + backup + " LIMIT 1");
            }
        }
        assertRefusedCommand(as(REST_USER, "run"), OPERATOR);
        Cli.Result rollback = as(REST_USER, "rollback", "--run", Long.toString(runId));
        Cli.ok(rollback);
        try (Connection c = demo.connect()) {
            assertThat(Checksums.of(c, Checksums.tablesOf(c, "app"))).isEqualTo(before);
        }
    }

    @Test
    void publicMayCallNothingAndTheOwnerOwnsEverything() throws Exception {
        try (Connection c = demo.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT p.oid::regprocedure::text FROM pg_proc AS p"
                    + " WHERE p.pronamespace = 'declutter'::regnamespace AND (p.proacl IS NULL"
                    + " OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) AS a WHERE a.grantee = 0))")) {
                List<String> open = new ArrayList<>();
                while (rs.next()) {
                    open.add(rs.getString(1));
                }
                assertThat(open).as("routines PUBLIC may execute").isEmpty();
            }
            try (ResultSet rs = st.executeQuery("SELECT p.oid::regprocedure::text FROM pg_proc AS p"
                    + " WHERE p.pronamespace = 'declutter'::regnamespace AND p.proowner <> '" + OWNER + "'::regrole"
                    + " UNION ALL SELECT c.oid::regclass::text FROM pg_class AS c"
                    + " WHERE c.relnamespace = 'declutter'::regnamespace AND c.relkind IN ('r', 'v')"
                    + " AND c.relname NOT LIKE 'databasechangelog%'" // Liquibase's, kept by whoever deploys
                    + " AND c.relowner <> '" + OWNER + "'::regrole")) {
                List<String> others = new ArrayList<>();
                while (rs.next()) {
                    others.add(rs.getString(1));
                }
                assertThat(others).as("framework objects not owned by the owner role").isEmpty();
            }
            // every routine that reads or writes a table runs with the owner's rights and a pinned search_path;
            // the three that commit cannot, and only call those
            try (ResultSet rs = st.executeQuery("SELECT p.proname, p.prosecdef, p.proconfig::text FROM pg_proc AS p"
                    + " WHERE p.pronamespace = 'declutter'::regnamespace ORDER BY 1")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (List.of("tenant_purge_cache", "tenant_purge_delete", "tenant_purge_rollback").contains(name)) {
                        assertThat(rs.getBoolean(2)).as(name).isFalse();
                    } else {
                        assertThat(rs.getBoolean(2)).as(name).isTrue();
                        assertThat(rs.getString(3)).as(name).isEqualTo("{\"search_path=pg_catalog, pg_temp\"}");
                    }
                }
            }
        }
    }

    @Test
    void aRoleNamedInTheJobFileMustExist() throws Exception {
        String roles = Files.readString(demo.dir().resolve("generated/roles.sql"))
                .replace(RESTORER, "dcl_missing_" + SUFFIX);
        try (Connection c = demo.connect()) {
            SQLException e = catchThrowableOfType(() -> SqlScripts.run(c, roles), SQLException.class);
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getMessage()).contains("role dcl_missing_" + SUFFIX + " (roles.restorer in the job file) does"
                    + " not exist");
        }
    }

    @Test
    void defaultRolesAreCreatedWithoutLoginOrPassword() throws Exception {
        Path out = demo.dir().resolve("defaults");
        Path jobFile = demo.dir().resolve("defaults.yaml");
        Files.writeString(jobFile, Files.readString(demo.jobFile()).replaceAll("(?s)roles:.*$", ""));
        Cli.ok(Cli.run("generate", "-j", jobFile.toString(), "-o", out.toString()));
        String roles = Files.readString(out.resolve("roles.sql"));
        assertThat(roles).doesNotContain("PASSWORD").doesNotContain(" LOGIN;");
        try (Connection c = demo.connect()) {
            c.setAutoCommit(false); // roles are created in this transaction, rolled back after
            try {
                SqlScripts.run(c, roles);
                SqlScripts.run(c, roles);
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolname, rolcanlogin,"
                        + " rolpassword IS NULL FROM pg_authid WHERE rolname IN ('declutter_owner', 'declutter_operator',"
                        + " 'declutter_viewer', 'declutter_restorer') ORDER BY 1")) {
                    List<String> found = new ArrayList<>();
                    while (rs.next()) {
                        assertThat(rs.getBoolean(2)).as(rs.getString(1)).isFalse();
                        assertThat(rs.getBoolean(3)).as(rs.getString(1)).isTrue();
                        found.add(rs.getString(1));
                    }
                    assertThat(found).contains("declutter_operator", "declutter_owner", "declutter_restorer",
                            "declutter_viewer");
                }
            } finally {
                c.rollback();
            }
        }
    }
}
