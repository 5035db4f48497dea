package io.declutter.runner.serve;

import io.declutter.config.JobFileReader;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.testing.Cli;
import io.declutter.runner.testing.JobFiles;
import io.declutter.runner.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several instances of the service against one database never run one job twice (docs/serve.md#several-instances),
 * and a restarted service resumes the run it was driving (docs/serve.md#restarts). Each JobService here is an
 * instance of its own: its own scheduler, worker threads and connections.
 */
class TwoInstancesTest {

    @TempDir
    static Path dir;

    private static ScratchDatabase db;

    @BeforeAll
    static void load() throws Exception {
        db = TestDatabase.freshDemoWithClutter("serve_two");
    }

    @AfterAll
    static void drop() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    private static long scalar(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JobService service(Path file) throws Exception {
        JobService s = new JobService(JobFileReader.readPolicy(file), file, x -> x);
        s.start();
        return s;
    }

    private static void awaitNoneDrives(String job, JobService... services) throws InterruptedException {
        for (int i = 0; i < 1200 && List.of(services).stream().anyMatch(s -> s.drivenRun(job).isPresent()); i++) {
            Thread.sleep(100);
        }
        assertThat(List.of(services).stream().noneMatch(s -> s.drivenRun(job).isPresent())).isTrue();
    }

    @Test
    void twoTriggersAtOnceMakeOneRunAndARestartResumesIt() throws Exception {
        Path file = JobFiles.write(dir, "events.yaml", """
                job: events_retention
                root: {table: app.events, where: "created_at < now() - interval '365 days'"}
                batchSize: 2
                rehearse: false
                """, db.url());
        Cli.ok(Cli.run("deploy", "-j", file.toString()));
        JobService a = service(file);
        JobService b = service(file);
        JobService.Caller ci = new JobService.Caller("ci", Role.OPERATOR);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        long run;
        try {
            CountDownLatch go = new CountDownLatch(1);
            Callable<JobService.Triggered> onA = () -> {
                go.await();
                return a.trigger("events_retention", Optional.empty(), ci);
            };
            Callable<JobService.Triggered> onB = () -> {
                go.await();
                return b.trigger("events_retention", Optional.empty(), ci);
            };
            Future<JobService.Triggered> fa = callers.submit(onA);
            Future<JobService.Triggered> fb = callers.submit(onB);
            go.countDown();
            JobService.Triggered ta = fa.get();
            JobService.Triggered tb = fb.get();
            assertThat(List.of(ta.created(), tb.created())).as(ta + " / " + tb).containsExactlyInAnyOrder(true, false);
            assertThat(ta.run()).as(ta + " / " + tb).isNotNull().isEqualTo(tb.run());
            run = ta.run();
            JobService.Triggered other = ta.created() ? tb : ta;
            assertThat(other.message()).contains("run " + run);
            assertThat(scalar("SELECT count(*) FROM declutter.run WHERE job = 'events_retention'")).isEqualTo(1);
            JobService driver = ta.created() ? a : b;
            assertThat(driver.drivenRun("events_retention")).contains(run);
            assertThat((ta.created() ? b : a).drivenRun("events_retention")).isEmpty();
        } finally {
            callers.shutdownNow();
            // The service stops under its run, as a killed runner would: the run is left unfinished.
            a.close();
            b.close();
        }
        assertThat(scalar("SELECT count(*) FROM declutter.run WHERE run_id = " + run
                + " AND status = 'running' AND NOT pause_requested")).isEqualTo(1);
        long deletedBefore = scalar("SELECT count(*) FROM app.events WHERE created_at < now() - interval '365 days'");
        assertThat(deletedBefore).isPositive();

        // A new instance resumes it on start (the same run), and purges to the end.
        JobService c = service(file);
        try {
            assertThat(c.drivenRun("events_retention")).contains(run);
            awaitNoneDrives("events_retention", c);
        } finally {
            c.close();
        }
        assertThat(scalar("SELECT count(*) FROM declutter.run WHERE run_id = " + run + " AND status = 'done'"))
                .as("run " + run).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM declutter.run WHERE job = 'events_retention'")).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM app.events WHERE created_at < now() - interval '365 days'")).isZero();
        assertThat(scalar("SELECT count(*) FROM declutter.log WHERE run_id = " + run + " AND action = 'begin'"
                + " AND message = 'resumed'")).isEqualTo(1);
    }

    @Test
    void aScheduleFiringOnTwoInstancesMakesOneRun() throws Exception {
        // Both instances fire at the same second; the one that finds the job's lock taken skips its start.
        ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(6);
        String cron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
                + at.getMonthValue() + " ? " + at.getYear();
        Path file = JobFiles.write(dir, "tenants.yaml", """
                job: tenant_purge
                root:
                  table: app.tenants
                  where: "status = 'closed' AND closed_at < now() - interval '90 days'"
                batchSize: 100
                rehearse: false
                schedule: "%s"
                timeZone: UTC
                """.formatted(cron), db.url());
        Cli.ok(Cli.run("deploy", "-j", file.toString()));
        JobService d = service(file);
        JobService e = service(file);
        try {
            assertThat(d.nextRun("tenant_purge")).contains(at.withNano(0).toInstant());
            for (int i = 0; i < 600 && scalar("SELECT count(*) FROM declutter.run WHERE job = 'tenant_purge'"
                    + " AND status = 'done'") == 0; i++) {
                Thread.sleep(200);
            }
            awaitNoneDrives("tenant_purge", d, e);
        } finally {
            d.close();
            e.close();
        }
        assertThat(scalar("SELECT count(*) FROM declutter.run WHERE job = 'tenant_purge'")).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM declutter.run WHERE job = 'tenant_purge' AND status = 'done'"))
                .isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM declutter.log l JOIN declutter.run r USING (run_id)"
                + " WHERE r.job = 'tenant_purge' AND l.action = 'begin'")).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM app.tenants WHERE status = 'closed'"
                + " AND closed_at < now() - interval '90 days'")).isZero();
    }
}
