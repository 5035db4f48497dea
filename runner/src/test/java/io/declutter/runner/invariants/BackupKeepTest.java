package io.declutter.runner.invariants;

import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup: {keep: 0}} (docs/archive.md#expiry): {@code run} expires the backup of the run it just finished, the
 * run is 'expired', {@code verify} proves no copy remains in the database, {@code status} says when it expired, and
 * a rollback is refused saying that no archive is recorded; {@code expire} then has nothing due.
 */
class BackupKeepTest {

    @Test
    void runExpiresWhatIsDueAtItsEnd() throws Exception {
        try (DemoPurge demo = DemoPurge.create("keep")) {
            String job = Files.readString(demo.jobFile());
            assertThat(job).contains("backup: true");
            Files.writeString(demo.jobFile(), job.replace("backup: true", "backup: {keep: 0}"));
            demo.generateAndDeploy();

            Cli.Result run = demo.cli(0, "run");
            long id;
            try (Connection c = demo.connect()) {
                id = demo.procs(c).latestRun().orElseThrow();
            }
            assertThat(run.out()).contains("Run " + id + ": dropped ").contains("run marked expired")
                    .contains("no archive of it is recorded");
            try (Connection c = demo.connect(); Statement st = c.createStatement()) {
                assertThat(DemoPurge.runStatuses(c)).containsExactly(id + ":expired");
                for (String backup : DemoPurge.backupTables(c).values()) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + backup)) {
                        rs.next();
                        assertThat(rs.getLong(1)).as(backup).isZero();
                    }
                }
            }
            assertThat(demo.cli(0, "verify").out()).contains("no copy of its rows remains in the database");
            assertThat(demo.cli(0, "status").out()).contains("backup: expired ");
            assertThat(demo.cli(2, "rollback", "--run", Long.toString(id)).err()).contains("has expired")
                    .contains("no archive of it is recorded");
            assertThat(demo.cli(0, "expire").out()).contains("No backup is due to expire (backup.keep: 0)");
        }
    }
}
