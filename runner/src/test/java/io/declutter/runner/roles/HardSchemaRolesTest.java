package io.declutter.runner.roles;

import io.declutter.dialect.Resources;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * roles.sql of the hard schema (docs/roles.md): quoted, spaced, unicode and reserved names, partitions, a deferred
 * cycle unit, SET NULL edges and tables outside the closure that closure rows reference. It runs as generated, and an
 * operator purges (rehearsal included) and a restorer rolls back to the checksums before, each with no privilege on
 * any application table.
 */
class HardSchemaRolesTest {

    @TempDir
    Path work;

    @Test
    void theHardJobPurgesAndRollsBackThroughTheRoles() throws Exception {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36).toLowerCase(Locale.ROOT);
        List<String> roles = List.of("dcl_h_owner_" + suffix, "dcl_h_operator_" + suffix, "dcl_h_viewer_" + suffix,
                "dcl_h_restorer_" + suffix);
        String operator = "dcl_h_u_op_" + suffix;
        String restorer = "dcl_h_u_rest_" + suffix;
        String password = "pw" + suffix;
        PostgresLocator.Server server = TestDatabase.server();
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            for (String role : roles) {
                st.execute("CREATE ROLE " + role + " NOLOGIN");
            }
            st.execute("CREATE ROLE " + operator + " LOGIN PASSWORD '" + password + "' IN ROLE " + roles.get(1));
            st.execute("CREATE ROLE " + restorer + " LOGIN PASSWORD '" + password + "' IN ROLE " + roles.get(3));
        }
        try (ScratchDatabase db = TestDatabase.fresh("hardroles")) {
            try (Connection c = db.connect()) {
                SqlScripts.run(c, Resources.text(HardSchemaRolesTest.class, "/postgres/hard_schema.sql"));
            }
            // the hard job of the golden files (CONTRIBUTING.md#golden-files), from the generator module
            Path runnerModule = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
            String yaml = Files.readString(runnerModule.resolveSibling("generator")
                    .resolve("src/test/resources/jobs/postgres/hard_purge.yaml"))
                    + "roles:\n  owner: " + roles.get(0) + "\n  operator: " + roles.get(1) + "\n  viewer: "
                    + roles.get(2) + "\n  restorer: " + roles.get(3) + "\n";
            Path jobFile = JobFiles.write(work, "hard_purge.yaml", yaml, db.url());
            Path passwordFile = work.resolve("login.password");
            Files.writeString(passwordFile, password);
            Path out = work.resolve("generated");
            Cli.ok(Cli.run("generate", "-j", jobFile.toString(), "-o", out.toString()));
            Cli.ok(Cli.run("deploy", "-j", jobFile.toString(), "--dir", out.toString()));
            Map<String, Checksums.Sum> before;
            try (Connection c = db.connect()) {
                SqlScripts.run(c, Files.readString(out.resolve("roles.sql")));
                before = Checksums.of(c, Checksums.tablesOf(c, "hard", "Hard Schema"));
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class"
                        + " AS t WHERE t.relnamespace IN ('hard'::regnamespace, '\"Hard Schema\"'::regnamespace)"
                        + " AND has_table_privilege('" + operator + "', t.oid, 'SELECT, INSERT, UPDATE, DELETE')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                }
            }
            Cli.Result run = Cli.run("run", "-j", jobFile.toString(), "--ignore-window", "--user", operator,
                    "--password-file", passwordFile.toString());
            Cli.ok(run);
            assertThat(run.out()).contains("is done");
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM hard.accounts WHERE status = 'closed'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            Cli.ok(Cli.run("rollback", "-j", jobFile.toString(), "--run", "1", "--user", restorer, "--password-file",
                    passwordFile.toString()));
            try (Connection c = db.connect()) {
                assertThat(Checksums.of(c, Checksums.tablesOf(c, "hard", "Hard Schema"))).isEqualTo(before);
            }
        } finally {
            try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
                List<String> all = new java.util.ArrayList<>(List.of(operator, restorer));
                all.addAll(roles);
                st.execute("DROP OWNED BY " + String.join(", ", all));
                for (String role : all) {
                    st.execute("DROP ROLE IF EXISTS " + role);
                }
            }
        }
    }
}
