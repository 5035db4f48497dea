package io.declutter.runner.invariants;

import io.declutter.localdb.PostgresLocator;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Backups are readable by the role owning the purge only (docs/archive.md#access): even in a database whose default
 * privileges grant SELECT on every new table to PUBLIC, another role with USAGE on the framework schema reads its
 * log but neither a backup table nor the run-time keys.
 */
class BackupAccessTest {

    @Test
    void anotherRoleCannotReadTheBackups() throws Exception {
        String reader = ("declutter_reader_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36))
                .toLowerCase(Locale.ROOT);
        PostgresLocator.Server server = TestDatabase.server();
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + reader + " NOLOGIN");
        }
        try {
            try (DemoPurge demo = DemoPurge.create("access")) {
                try (Connection c = demo.connect(); Statement st = c.createStatement()) {
                    st.execute("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC");
                }
                demo.generateAndDeploy();
                demo.cli(0, "run");
                try (Connection c = demo.connect(); Statement st = c.createStatement()) {
                    st.execute("GRANT USAGE ON SCHEMA " + DemoPurge.SCHEMA + " TO " + reader);
                    var backups = DemoPurge.backupTables(c).values();
                    assertThat(backups).hasSizeGreaterThan(10);
                    st.execute("SET ROLE " + reader);
                    // the default privileges are in force: the framework's log is readable by anyone
                    st.execute("SELECT count(*) FROM " + DemoPurge.SCHEMA + ".log");
                    for (String backup : backups) {
                        SQLException e = catchThrowableOfType(() -> st.execute("SELECT * FROM " + backup + " LIMIT 1"),
                                SQLException.class);
                        assertThat((Throwable) e).as("%s read by another role", backup).isNotNull();
                        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501");
                    }
                    SQLException keys = catchThrowableOfType(() -> st.execute("SELECT * FROM " + DemoPurge.SCHEMA
                            + ".run_key"), SQLException.class);
                    assertThat((Throwable) keys).isNotNull();
                    assertThat(keys.getSQLState()).isEqualTo("42501");
                    st.execute("RESET ROLE");
                }
            }
        } finally {
            try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
                st.execute("DROP ROLE IF EXISTS " + reader);
            }
        }
    }
}
