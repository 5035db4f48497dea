package io.declutter.runner.badinput;

import io.declutter.runner.ExitCodes;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DatabaseState;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static io.declutter.runner.badinput.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on the database side (docs/design.md#bad-input): an unreachable server, a database that does not exist and
 * a refused login exit 3; a password source that cannot be used (a {@code passwordEnv} variable that is not set, a
 * missing {@code passwordFile}) is bad input and exits 2. Every message names the problem and what to check, and
 * nothing changes. The local test server trusts 127.0.0.1, so it never checks a password: the wrong-password case runs
 * only against a server that does (it is skipped with that reason otherwise), while a user that does not exist and a
 * role without LOGIN are refused even under trust and are always tested.
 */
class ConnectionFailureTest {

    private static final String SUFFIX = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
            .toLowerCase(Locale.ROOT);
    private static final String PASSWORD_ROLE = "declutter_test_pw_" + SUFFIX;
    private static final String NOLOGIN_ROLE = "declutter_test_nologin_" + SUFFIX;
    private static final List<String> COMMANDS = List.of("plan", "generate", "deploy", "run", "status");

    private static ScratchDatabase db;
    private static DatabaseState pristine;

    @TempDir
    Path work;

    @BeforeAll
    static void createDatabaseAndRoles() throws Exception {
        db = TestDatabase.freshDemo("connection");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + PASSWORD_ROLE + " LOGIN PASSWORD 'right-password'");
            st.execute("CREATE ROLE " + NOLOGIN_ROLE + " NOLOGIN PASSWORD 'right-password'");
            st.execute("GRANT ALL ON DATABASE " + db.name() + " TO " + PASSWORD_ROLE + ", " + NOLOGIN_ROLE);
            pristine = DatabaseState.of(c);
        }
    }

    @AfterAll
    static void dropDatabaseAndRoles() throws Exception {
        if (db != null) {
            db.close();
            try (Connection c = db.server().connect(db.server().adminUrl()); Statement st = c.createStatement()) {
                st.execute("DROP ROLE IF EXISTS " + PASSWORD_ROLE);
                st.execute("DROP ROLE IF EXISTS " + NOLOGIN_ROLE);
            }
        }
    }

    @Test
    void unreachableDatabase() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:1/postgres";
        Path job = JobFiles.demoJob(work, url);
        for (String command : COMMANDS) {
            Path out = work.resolve("out-" + command);
            Cli.Result r = command.equals("generate")
                    ? Cli.run(command, "-j", job.toString(), "-o", out.toString())
                    : Cli.run(command, "-j", job.toString());
            assertRefused(r, ExitCodes.NO_DATABASE, "cannot reach the database at " + url,
                    "Check the host, port and that the server is running");
            assertThat(out).doesNotExist();
        }
        // The command line overrides the job file, and fails the same way.
        Path good = JobFiles.demoJob(Files.createDirectories(work.resolve("good")), db.url());
        assertRefused(Cli.run("deploy", "-j", good.toString(), "--jdbc-url", url), ExitCodes.NO_DATABASE,
                "cannot reach the database at " + url);
        assertUnchanged();
    }

    @Test
    void databaseThatDoesNotExist() throws Exception {
        String url = db.url() + "_missing";
        Path job = JobFiles.demoJob(work, url);
        assertRefused(Cli.run("deploy", "-j", job.toString()), ExitCodes.NO_DATABASE,
                "database in " + url + " does not exist", "Check the database name");
        assertUnchanged();
    }

    @Test
    void userThatDoesNotExist() throws Exception {
        String user = "declutter_test_nobody_" + SUFFIX;
        Path job = jobAs(user, null);
        for (String command : List.of("deploy", "run")) {
            assertRefused(Cli.run(command, "-j", job.toString()), ExitCodes.NO_DATABASE,
                    "login to " + db.url() + " as " + user + " refused", "role \"" + user + "\" does not exist",
                    "Check the user and the password");
        }
        assertUnchanged();
    }

    @Test
    void roleThatMayNotLogIn() throws Exception {
        Path job = jobAs(NOLOGIN_ROLE, "right-password");
        assertRefused(Cli.run("deploy", "-j", job.toString()), ExitCodes.NO_DATABASE,
                "as " + NOLOGIN_ROLE + " refused", "is not permitted to log in", "Check the user and the password");
        assertUnchanged();
    }

    @Test
    void wrongPassword() throws Exception {
        Assumptions.assumeFalse(loginSucceeds(PASSWORD_ROLE, "wrong-password"),
                "the test server accepted a wrong password for " + PASSWORD_ROLE + " (pg_hba 'trust' for this"
                        + " address): a refused password cannot be tested against it");
        Path job = jobAs(PASSWORD_ROLE, "wrong-password");
        assertRefused(Cli.run("deploy", "-j", job.toString()), ExitCodes.NO_DATABASE,
                "as " + PASSWORD_ROLE + " refused", "Check the user and the password");
        assertUnchanged();
    }

    @Test
    void passwordEnvironmentVariableThatIsNotSet() throws Exception {
        String variable = "DECLUTTER_TEST_UNSET_" + SUFFIX.toUpperCase(Locale.ROOT);
        assertThat(System.getenv(variable)).isNull();
        Path job = work.resolve("env.yaml");
        Files.writeString(job, demoJobWithout() + "database:\n  url: " + db.url() + "\n"
                + db.server().user().map(u -> "  user: " + u + "\n").orElse("") + "  passwordEnv: " + variable + "\n");
        for (String command : COMMANDS) {
            assertRefused(Cli.run(command, "-j", job.toString()), ExitCodes.BAD_INPUT,
                    "database.passwordEnv names the environment variable " + variable + ", which is not set",
                    "Export it before running declutter");
        }
        // The command line can name the variable too.
        Path plain = JobFiles.write(work, "plain.yaml", demoJobWithout(), db.url());
        assertRefused(Cli.run("deploy", "-j", plain.toString(), "--password-env", variable), ExitCodes.BAD_INPUT,
                "environment variable " + variable + ", which is not set");
        assertUnchanged();
    }

    @Test
    void passwordFileThatDoesNotExist() throws Exception {
        Path missing = work.resolve("no-such-password-file");
        Path job = JobFiles.write(work, "file.yaml", demoJobWithout(), db.url());
        assertRefused(Cli.run("deploy", "-j", job.toString(), "--password-file", missing.toString()),
                ExitCodes.BAD_INPUT, "cannot read database.passwordFile " + missing, "no such file", "Fix the path");
        assertUnchanged();
    }

    /** The demo job connecting as {@code user} with {@code password} (from a file), or without a password. */
    private Path jobAs(String user, String password) throws Exception {
        StringBuilder yaml = new StringBuilder(demoJobWithout()).append("\ndatabase:\n  url: ").append(db.url())
                .append("\n  user: ").append(user).append("\n");
        if (password != null) {
            Path pw = work.resolve(user + ".password");
            Files.writeString(pw, password);
            yaml.append("  passwordFile: ").append(pw).append("\n");
        }
        Path file = work.resolve(user + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String demoJobWithout() {
        return "job: tenant_purge\nroot:\n  table: app.tenants\n  where: \"status = 'closed'\"\n";
    }

    private static boolean loginSucceeds(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection ignored = DriverManager.getConnection(db.url(), props)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void assertUnchanged() throws Exception {
        try (Connection c = db.connect()) {
            assertThat(DatabaseState.of(c)).as("database state").isEqualTo(pristine);
        }
    }
}
