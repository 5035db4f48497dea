package io.declutter.config;

import io.declutter.model.LogicalReference;
import io.declutter.model.RootRows;
import io.declutter.model.TableName;
import io.declutter.model.Throttle;
import io.declutter.model.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Policy files (docs/policy.md): several jobs sharing the file's database, window and throttle, a job's own section
 * replacing the file's whole; a job file of one job read as before; and every mistake with its message.
 */
class PolicyFileReaderTest {

    private static final String POLICY = """
            database:
              url: jdbc:postgresql://db.example.com:5432/app
              user: declutter
              passwordEnv: DECLUTTER_PASSWORD
            window:
              start: "22:00"
              end: "05:00"
            throttle:
              maxReplicaLag: 10s
            jobs:
              - job: tenant_purge
                root:
                  table: app.tenants
                  where: "status = 'closed'"
              - job: events_retention
                root: {table: app.events, where: "created_at < now() - interval '365 days'"}
                batchSize: 2000
                window:
                  start: "01:00"
                  end: "03:00"
                throttle:
                  maxTransactionAge: 5min
            """;

    private static PolicyFile parse(String yaml) {
        return JobFileReader.parsePolicy("policy.yaml", yaml);
    }

    private static void assertRejected(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void jobsShareTheFilesSectionsUnlessTheyGiveTheirOwn() {
        PolicyFile p = parse(POLICY);

        assertThat(p.policy()).isTrue();
        assertThat(p.names()).containsExactly("tenant_purge", "events_retention");
        JobFile tenants = p.find("tenant_purge").orElseThrow();
        JobFile events = p.find("events_retention").orElseThrow();
        Window night = new Window(Optional.of(LocalTime.of(22, 0)), Optional.of(LocalTime.of(5, 0)), Optional.empty());
        assertThat(tenants.window()).isEqualTo(night);
        assertThat(tenants.throttle().maxReplicaLag()).contains(Duration.ofSeconds(10));
        assertThat(tenants.database().url()).contains("jdbc:postgresql://db.example.com:5432/app");
        assertThat(tenants.job().batchSize()).isEqualTo(JobFileReader.DEFAULT_BATCH_SIZE);
        // its own window and throttle replace the file's whole: nothing of the file's is merged in
        assertThat(events.window()).isEqualTo(new Window(Optional.of(LocalTime.of(1, 0)),
                Optional.of(LocalTime.of(3, 0)), Optional.empty()));
        assertThat(events.throttle().maxTransactionAge()).contains(Duration.ofMinutes(5));
        assertThat(events.throttle().maxReplicaLag()).isEmpty();
        assertThat(events.database()).isEqualTo(tenants.database());
        assertThat(events.job().batchSize()).isEqualTo(2000);
        assertThat(p.find("nope")).isEmpty();
    }

    @Test
    void aJobsOwnDatabaseReplacesTheFilesWhole() {
        PolicyFile p = parse("""
                database: {url: "jdbc:postgresql://a/app", user: declutter, passwordEnv: PW}
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                  - {job: b, root: {table: app.b, keys: runtime}, database: {url: "jdbc:postgresql://b/app"}}
                """);
        assertThat(p.find("a").orElseThrow().database().user()).contains("declutter");
        assertThat(p.find("b").orElseThrow().database()).isEqualTo(new DatabaseSettings(
                Optional.of("jdbc:postgresql://b/app"), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void withoutSharedSectionsEachJobHasTheDefaults() {
        PolicyFile p = parse("""
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                """);
        assertThat(p.policy()).isTrue();
        assertThat(p.jobs()).singleElement().satisfies(j -> {
            assertThat(j.window()).isEqualTo(Window.ALWAYS);
            assertThat(j.throttle()).isEqualTo(Throttle.NONE);
            assertThat(j.database()).isEqualTo(DatabaseSettings.NONE);
        });
    }

    @Test
    void aJobFileIsAPolicyOfOneJobReadAsBefore() {
        String yaml = """
                job: tenant_purge
                root: {table: app.tenants, keys: runtime}
                window: {start: "22:00", end: "05:00"}
                """;
        PolicyFile p = parse(yaml);
        assertThat(p.policy()).isFalse();
        assertThat(p.jobs()).containsExactly(JobFileReader.parse("policy.yaml", yaml));
    }

    @Test
    void readingOneJobFromAPolicyOfSeveralNamesThem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, POLICY);
        assertThat(JobFileReader.readPolicy(file).names()).containsExactly("tenant_purge", "events_retention");
        assertThatThrownBy(() -> JobFileReader.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + " is a policy file of 2 jobs (tenant_purge, events_retention); name the one to use"
                        + " (docs/policy.md)");
        assertThat(JobFileReader.readThrottle(file, "events_retention").maxTransactionAge())
                .contains(Duration.ofMinutes(5));
        assertThatThrownBy(() -> JobFileReader.readThrottle(file, "gone")).isInstanceOf(ConfigException.class)
                .hasMessage(file + " no longer holds job gone");
    }

    @Test
    void bothJobAndJobsIsAnError() {
        assertRejected("""
                job: a
                jobs:
                  - {job: b, root: {table: app.b, keys: runtime}}
                """, "policy.yaml: give either 'job' (a job file of one job) or 'jobs' (a policy file: a list of jobs,"
                + " docs/policy.md), not both");
    }

    @Test
    void anEmptyListOfJobsIsAnError() {
        assertRejected("jobs: []\n", "policy.yaml: 'jobs' lists no job; give one or more, each as a job file"
                + " describes it (docs/policy.md)");
        assertRejected("jobs:\n", "policy.yaml: 'jobs' lists no job; give one or more, each as a job file"
                + " describes it (docs/policy.md)");
    }

    @Test
    void anEmptyEntryIsAnError() {
        assertRejected("""
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                  -
                """, "policy.yaml: jobs[1] is empty; give a job as a job file describes it (job, root, ...)");
    }

    @Test
    void aJobSettingAtTheTopOfAPolicyFileIsUnknownThere() {
        assertThatThrownBy(() -> parse("""
                batchSize: 100
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                """)).isInstanceOf(ConfigException.class).hasMessage("policy.yaml: unknown setting 'batchSize' at"
                + " line 1; the settings allowed there are database, jobs, throttle, window (in a policy file, a"
                + " job's settings go in its entry of 'jobs'; docs/policy.md)");
    }

    @Test
    void anUnknownSettingInAJobNamesItsPlaceInTheList() {
        assertThatThrownBy(() -> parse("""
                jobs:
                  - job: a
                    root: {table: app.a, keys: runtime}
                  - job: b
                    root: {tabel: app.b, keys: runtime}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policy.yaml: unknown setting 'jobs[1].root.tabel' at line 5; the settings"
                        + " allowed there are children, duplicatesOf, keep, key, keys, orphansOf, table, where");
    }

    @Test
    void aJobsOwnMistakeNamesTheJob() {
        assertRejected("""
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                  - {job: b, root: {where: "x"}}
                """, "policy.yaml: jobs[1] (b): 'root.table' is required (the table whose rows are purged, as"
                + " schema.table)");
        assertRejected("""
                jobs:
                  - {root: {table: app.a, keys: runtime}}
                """, "policy.yaml: jobs[0]: 'job' (the job name) is required");
        assertRejected("""
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}, throttle: {onUnknown: maybe}}
                """, "policy.yaml: jobs[0] (a): throttle.onUnknown: 'maybe' is not a choice; write go (a signal that"
                + " cannot be read does not stop the run) or hold");
        assertRejected("""
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}, window: {start: "22:00"}}
                """, "policy.yaml: jobs[0] (a): window: give both 'start' and 'end' (e.g. start: \"22:00\","
                + " end: \"05:00\"), or neither");
    }

    @Test
    void aMistakeInASharedSectionNamesTheFile() {
        assertRejected("""
                window: {start: "22:00", end: "25:00"}
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                """, "policy.yaml: window.end: '25:00' is not a time of day; write HH:MM (e.g. 22:00)");
        assertRejected("""
                throttle: {maxReplicaLag: soon}
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                """, "policy.yaml: " + messageOf(() -> Durations.parse("throttle.maxReplicaLag", "soon")));
        assertRejected("""
                database: {passwordEnv: A, passwordFile: /b}
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                """, "policy.yaml: database: give 'passwordEnv' or 'passwordFile', not both");
    }

    @Test
    void jobNamesAreUnique() {
        assertRejected("""
                jobs:
                  - {job: a, root: {table: app.a, keys: runtime}}
                  - {job: b, root: {table: app.b, keys: runtime}}
                  - {job: a, root: {table: app.c, keys: runtime}}
                """, "policy.yaml: jobs[2] (a): jobs[0] has the same name; job names must be unique in a policy file"
                + " (they name the procedures and backup tables)");
    }

    @Test
    void jobsMustBeAList() {
        assertThatThrownBy(() -> parse("jobs: {job: a}\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policy.yaml: setting 'jobs' at line 1 has the wrong form");
    }

    /**
     * The demo's policy file holds the demo's job file's job as it is, a retention job with its own settings, an
     * orphan job over the notes' logical reference and a duplicate job over the users.
     */
    @Test
    void theDemosPolicyHoldsTheDemosJobARetentionJobAnOrphanJobAndADuplicateJob() {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("sql/demo/postgres/policy.yaml"))) {
            root = root.getParent();
        }
        PolicyFile demo = JobFileReader.readPolicy(root.resolve("sql/demo/postgres/policy.yaml"));
        assertThat(demo.names()).containsExactly("tenant_purge", "events_retention", "notes_orphans", "users_dedup");
        JobFile alone = JobFileReader.read(root.resolve("sql/demo/postgres/tenant_purge.yaml"));
        assertThat(demo.find("tenant_purge").orElseThrow().job()).isEqualTo(alone.job());
        JobFile events = demo.find("events_retention").orElseThrow();
        assertThat(events.job().root().display()).isEqualTo("app.events");
        assertThat(events.job().rootPredicate()).contains("created_at < now() - interval '365 days'");
        assertThat(events.window()).isEqualTo(demo.find("tenant_purge").orElseThrow().window());
        assertThat(events.window().start()).contains(LocalTime.of(22, 0));
        assertThat(events.backupKeep()).contains(Duration.ofDays(30));
        assertThat(events.startWhen().rootRows()).hasValue(100);
        JobFile notes = demo.find("notes_orphans").orElseThrow();
        assertThat(notes.job().root()).isEqualTo(new TableName("app", "notes"));
        assertThat(notes.job().rows()).isEqualTo(new RootRows.OrphansOf("notes_document"));
        assertThat(notes.job().references()).containsExactly(new LogicalReference("notes_document",
                new TableName("app", "notes"), List.of("document_ref"), new TableName("app", "documents"), List.of(),
                LogicalReference.Action.IGNORE));
        JobFile users = demo.find("users_dedup").orElseThrow();
        assertThat(users.job().root()).isEqualTo(new TableName("app", "users"));
        assertThat(users.job().rows()).isEqualTo(new RootRows.DuplicatesOf(List.of("lower(email)"),
                new RootRows.Keep(RootRows.Keep.Order.OLDEST, Optional.of("created_at"))));
    }

    private static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }
}
