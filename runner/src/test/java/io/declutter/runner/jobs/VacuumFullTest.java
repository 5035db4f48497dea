package io.declutter.runner.jobs;

import io.declutter.dialect.Dialects;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.cli.DeclutterCommand;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static io.declutter.runner.testing.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --vacuum-full} (docs/policy.md#vacuum-full) on the demo's events past retention: after the purge, the
 * one table that lost rows is rewritten and shrinks; the output warns of the ACCESS EXCLUSIVE lock and gives the
 * sizes, the log records them, and the audit's after-purge table still reads. Refused with --no-vacuum, and on Oracle.
 */
class VacuumFullTest {

    @TempDir
    Path dir;

    private ScratchDatabase db;

    @AfterEach
    void drop() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rewritesTheTablesThatLostRowsAndSaysItLocksThem() throws Exception {
        db = TestDatabase.freshDemoWithClutter("vacuum_full");
        String job = JobFiles.write(dir, "events.yaml", """
                job: events_retention
                root: {table: app.events, where: "created_at < now() - interval '365 days'"}
                batchSize: 500
                rehearse: false
                """, db.url()).toString();
        ok(Cli.run("deploy", "-j", job));
        long before = scalar("SELECT pg_total_relation_size('app.events')");

        Cli.Result r = Cli.run("run", "-j", job, "--vacuum-full");
        ok(r);
        assertThat(r.out()).as(r.toString()).contains("VACUUM (ANALYZE) done on 1 tables",
                "VACUUM FULL of the 1 tables run 1 deleted rows from. WARNING: each is locked ACCESS EXCLUSIVE (no"
                        + " reads, no writes) while it is rewritten.")
                .containsPattern("  app\\.events: [0-9.]+ kB -> [0-9.]+ kB \\([0-9.]+ kB given back, \\d+ ms locked\\)");
        long after = scalar("SELECT pg_total_relation_size('app.events')");
        assertThat(after).as("rewritten without the 1825 purged events").isLessThan(before * 3 / 4);
        assertThat(scalar("SELECT count(*) FROM app.events")).isEqualTo(1825);
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT table_name, message FROM declutter.log WHERE action = 'vacuum full'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("app.events");
            // before: as the purge and its VACUUM (ANALYZE) left it (the free space map and visibility map grow it)
            assertThat(rs.getString(2)).matches("rewritten: \\d+ bytes before, " + after + " bytes after");
            assertThat(rs.next()).isFalse();
        }

        Cli.Result audit = Cli.run("audit", "-j", job);
        ok(audit);
        assertThat(audit.out()).contains("After purges", "freed (est.)", "still reclaimable (est.)")
                .containsPattern("events_retention\\s+done\\s+.*app\\.events\\s+1825\\s");
        ok(Cli.run("rollback", "-j", job, "--run", "1"));
        assertThat(scalar("SELECT count(*) FROM app.events")).isEqualTo(3650);
    }

    @Test
    void refusedWithNoVacuumAndOnOracleBeforeAnythingIsDone() throws Exception {
        db = TestDatabase.freshDemoWithClutter("vacuum_full_refused");
        String job = JobFiles.write(dir, "events.yaml", """
                job: events_retention
                root: {table: app.events, where: "created_at < now() - interval '365 days'"}
                rehearse: false
                """, db.url()).toString();
        ok(Cli.run("deploy", "-j", job));
        Cli.Result r = Cli.run("run", "-j", job, "--vacuum-full", "--no-vacuum");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--no-vacuum and --vacuum-full contradict each other; give one");
        assertThat(scalar("SELECT count(*) FROM declutter.run")).isZero();

        assertThat(Dialects.forName("postgres").canVacuumFull()).isTrue();
        assertThat(Dialects.forName("oracle").canVacuumFull()).isFalse();
        assertThat(Dialects.forName("oracle").vacuumFullRefusal()).startsWith("--vacuum-full is PostgreSQL only;"
                + " nothing was done.").contains("SHRINK SPACE", "docs/oracle.md#after-a-purge");
    }

    @Test
    void theHelpWarnsOfTheLock() {
        CommandLine run = DeclutterCommand.commandLine().getSubcommands().get("run");
        run.setUsageHelpAutoWidth(false);
        run.setUsageHelpWidth(80);
        String help = run.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        assertThat(help).contains("--vacuum-full", "WARNING: takes an ACCESS EXCLUSIVE lock on each table while it is"
                + " rewritten (no reads, no writes)");
    }
}
