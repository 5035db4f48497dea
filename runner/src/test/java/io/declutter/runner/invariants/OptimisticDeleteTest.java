package io.declutter.runner.invariants;

import io.declutter.dialect.JobProcedures;
import io.declutter.dialect.Resources;
import io.declutter.dialect.postgres.PostgresJobProcedures;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.DemoPurge;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delete phase's fast path (docs/design.md#fast-path; invariants 1 and 5): a batch of a table whose foreign keys in
 * are all NO ACTION or RESTRICT is deleted without lock or catch-up; a child inserted since the cache makes that delete
 * fail on its foreign key, and the careful path (lock, catch up, delete) takes over in the same call: the batch
 * succeeds, the late row is backed up, deleted and counted as caught up. Tables with a CASCADE (or SET NULL) child
 * never take the fast path.
 */
class OptimisticDeleteTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "backup: {0}")
    @ValueSource(booleans = {true, false})
    void aLateChildSendsTheBatchToTheCarefulPath(boolean backup) throws Exception {
        try (ScratchDatabase db = TestDatabase.freshDemo("optimistic")) {
            Path job = job(db, backup);
            String late;
            assertThat(Cli.run("deploy", "-j", job.toString()).exitCode()).isZero();
            try (Connection runner = db.connect(); Connection app = db.connect()) {
                JobProcedures procs = new PostgresJobProcedures(runner, DemoPurge.JOB, DemoPurge.SCHEMA);
                long run = procs.beginRun(Optional.empty(), 1000);
                String phase;
                do {
                    phase = DemoPurge.cacheStep(runner, run);
                } while (phase.equals("cache"));
                assertThat(phase).isEqualTo("cached");
                DemoPurge.stepUntilNext(procs, runner, run, "app.teams", 1000);
                assertThat(scalar(runner, "SELECT count(*) FROM declutter.log WHERE run_id = " + run
                        + " AND action IN ('catch-up', 'catch-up delete', 'error', 'retry')")).isZero();

                // After the cache, right before the first batch of app.teams: another session adds a member to
                // the first team of the batch (a child the cache did not see) and commits.
                String teams = DemoPurge.backupTables(runner).get("app.teams");
                String members = DemoPurge.backupTables(runner).get("app.team_members");
                long team = scalar(runner, "SELECT b.id FROM " + teams + " AS b WHERE b.declutter_run = " + run
                        + " ORDER BY b.declutter_seq LIMIT 1");
                long batch = scalar(runner, "SELECT count(*) FROM " + teams + " AS b WHERE b.declutter_run = " + run);
                long user;
                try (Statement st = app.createStatement(); ResultSet rs = st.executeQuery(
                        "INSERT INTO app.team_members (team_id, user_id, role, joined_at)"
                                + " SELECT " + team + ", u.id, 'member', now() FROM app.users AS u"
                                + " WHERE NOT EXISTS (SELECT 1 FROM app.team_members AS m WHERE m.team_id = " + team
                                + " AND m.user_id = u.id)"
                                + " AND NOT EXISTS (SELECT 1 FROM " + members + " AS m WHERE m.declutter_run = " + run
                                + " AND m.team_id = " + team + " AND m.user_id = u.id)"
                                + " ORDER BY (u.tenant_id = (SELECT t.tenant_id FROM app.teams AS t WHERE t.id = " + team
                                + ")) DESC, u.id LIMIT 1 RETURNING user_id")) {
                    assertThat(rs.next()).isTrue();
                    user = rs.getLong(1);
                }
                late = "team_id = " + team + " AND user_id = " + user;
                assertThat(scalar(runner, "SELECT count(*) FROM " + members + " WHERE declutter_run = " + run
                        + " AND " + late)).as("the late row is not in the cache").isZero();

                // One call: the fast delete fails on fk_team_members_teams, the careful path deletes the whole batch.
                JobProcedures.Step step = procs.step(run, (int) batch);
                assertThat(step.phase()).isEqualTo("delete");
                assertThat(step.rows()).isEqualTo(batch);
                assertThat(scalar(runner, "SELECT count(*) FROM app.teams AS t WHERE EXISTS (SELECT 1 FROM " + teams
                        + " AS b WHERE b.declutter_run = " + run + " AND b.id = t.id)")).isZero();
                assertThat(scalar(runner, "SELECT count(*) FROM app.team_members WHERE " + late))
                        .as("the late row is deleted").isZero();
                assertThat(scalar(runner, "SELECT count(*) FROM " + members + " WHERE declutter_run = " + run
                        + " AND " + late)).as("the late row is backed up").isEqualTo(1);
                assertThat(scalar(runner, "SELECT coalesce(sum(rows), 0) FROM declutter.log WHERE run_id = " + run
                        + " AND table_name = 'app.team_members' AND action = 'catch-up'")).isEqualTo(1);
                assertThat(scalar(runner, "SELECT coalesce(sum(rows), 0) FROM declutter.log WHERE run_id = " + run
                        + " AND table_name = 'app.team_members' AND action = 'catch-up delete'")).isEqualTo(1);
                assertThat(scalar(runner, "SELECT coalesce(sum(rows), 0) FROM declutter.log WHERE run_id = " + run
                        + " AND table_name = 'app.teams' AND action = 'delete'")).isEqualTo(batch);
                assertThat(scalar(runner, "SELECT count(*) FROM declutter.log WHERE run_id = " + run
                        + " AND action IN ('error', 'retry')")).isZero();

                // The rest of the run, then verify; with a backup, rollback brings the late row back too.
                do {
                    step = procs.step(run, 1000);
                    assertThat(step.phase()).isIn("delete", "done");
                } while (!step.phase().equals("done"));
            }
            assertThat(Cli.run("verify", "-j", job.toString()).exitCode()).isZero();
            if (backup) {
                assertThat(Cli.run("rollback", "-j", job.toString(), "--run", "1").exitCode()).isZero();
                try (Connection c = db.connect()) {
                    assertThat(scalar(c, "SELECT count(*) FROM app.team_members WHERE " + late)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aTableWithACascadeChildKeepsTheCarefulPath() throws Exception {
        try (ScratchDatabase db = TestDatabase.freshDemo("optimistic_text")) {
            Path job = job(db, true);
            Path out = dir.resolve("generated");
            assertThat(Cli.run("generate", "-j", job.toString(), "-o", out.toString()).exitCode()).isZero();
            Path step = out.resolve("tenant_purge");
            // app.invoice_lines references app.invoices ON DELETE CASCADE: a late line would go without a backup.
            String invoices = section(step, "app.invoices");
            assertThat(invoices).doesNotContain("foreign_key_violation").contains("FOR UPDATE OF t");
            assertThat(invoices.indexOf("FOR UPDATE OF t")).isLessThan(invoices.indexOf("DELETE FROM app.invoices"));
            // app.teams: only app.team_members references it, NO ACTION: the fast path, the careful one as fallback.
            String teams = section(step, "app.teams");
            assertThat(teams).contains("EXCEPTION WHEN foreign_key_violation THEN");
            assertThat(teams.indexOf("DELETE FROM app.teams")).isLessThan(teams.indexOf("foreign_key_violation"));
            assertThat(teams.indexOf("FOR UPDATE OF t")).isGreaterThan(teams.indexOf("foreign_key_violation"));
            // app.folders is a tree (self-reference): the careful path only.
            assertThat(section(step, "app.folders")).doesNotContain("foreign_key_violation");
        }
    }

    /** The body of the procedure that deletes a batch of one table (its own file, delete_<edge>_<table>.sql). */
    private static String section(Path folder, String table) throws java.io.IOException {
        String suffix = "_" + table.replace('.', '_') + ".sql";
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            Path file = files.filter(p -> p.getFileName().toString().startsWith("delete_")
                    && p.getFileName().toString().endsWith(suffix)).findFirst().orElse(null);
            assertThat(file).as("delete procedure of %s", table).isNotNull();
            String text = Files.readString(file);
            return text.substring(text.indexOf("CREATE OR REPLACE PROCEDURE"));
        }
    }

    private Path job(ScratchDatabase db, boolean backup) throws Exception {
        String yaml = Resources.text(OptimisticDeleteTest.class, "/sql/demo/postgres/tenant_purge.yaml");
        assertThat(yaml).contains("backup: true");
        return JobFiles.write(Files.createDirectories(dir.resolve("job-" + backup)), "tenant_purge.yaml",
                yaml.replace("backup: true", "backup: " + backup), db.url());
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
