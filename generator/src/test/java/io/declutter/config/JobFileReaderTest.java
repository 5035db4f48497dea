package io.declutter.config;

import io.declutter.model.Job;
import io.declutter.model.RootRows;
import io.declutter.model.TableName;
import io.declutter.model.Window;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Job files: every field, the defaults, and a clear {@link ConfigException} for each mistake. */
class JobFileReaderTest {

    private static final String MINIMAL = """
            job: tenant_purge
            root:
              table: app.tenants
              keys: runtime
            """;

    private static JobFile parse(String yaml) {
        return JobFileReader.parse("job.yaml", yaml);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String yaml) {
        return assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class);
    }

    @Test
    void fullFileSetsEveryField() {
        JobFile file = parse("""
                job: tenant_purge
                root:
                  table: app.tenants
                  where: "status = 'closed' AND closed_at < now() - interval '90 days'"
                batchSize: 1000
                backup: false
                exclude:
                  - billing.invoices
                  - app.audit_log
                timeouts:
                  lock: 2s
                  statement: 30min
                window:
                  start: "22:00"
                  end: "05:00"
                  maxDuration: 6h
                database:
                  url: jdbc:postgresql://db.example.com:5432/app
                  user: declutter
                  passwordEnv: DECLUTTER_PASSWORD
                """);

        assertThat(file.job()).isEqualTo(new Job("tenant_purge", new TableName("app", "tenants"),
                Optional.of("status = 'closed' AND closed_at < now() - interval '90 days'"), 1000, false,
                List.of(new TableName("app", "audit_log"), new TableName("billing", "invoices")),
                Duration.ofSeconds(2), Duration.ofMinutes(30)));
        assertThat(file.job().keysAtRunTime()).isFalse();
        assertThat(file.window()).isEqualTo(new Window(Optional.of(LocalTime.of(22, 0)), Optional.of(LocalTime.of(5, 0)),
                Optional.of(Duration.ofHours(6))));
        assertThat(file.database()).isEqualTo(new DatabaseSettings(
                Optional.of("jdbc:postgresql://db.example.com:5432/app"), Optional.of("declutter"),
                Optional.of("DECLUTTER_PASSWORD"), Optional.empty()));
    }

    @Test
    void minimalFileTakesTheDefaults() {
        JobFile file = parse(MINIMAL);

        Job job = file.job();
        assertThat(job.name()).isEqualTo("tenant_purge");
        assertThat(job.root()).isEqualTo(new TableName("app", "tenants"));
        assertThat(job.rootPredicate()).isEmpty();
        assertThat(job.keysAtRunTime()).isTrue();
        assertThat(job.batchSize()).isEqualTo(5000);
        assertThat(job.backup()).isTrue();
        assertThat(job.excludedTables()).isEmpty();
        assertThat(job.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(job.statementTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(file.window()).isEqualTo(Window.ALWAYS);
        assertThat(file.database()).isEqualTo(DatabaseSettings.NONE);
    }

    @Test
    void timeoutNotGivenKeepsItsDefault() {
        JobFile file = parse(MINIMAL + """
                timeouts:
                  lock: 500ms
                """);

        assertThat(file.job().lockTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(file.job().statementTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void tableWithoutSchemaIsInPublic() {
        JobFile file = parse("""
                job: p
                root:
                  table: tenants
                  keys: runtime
                exclude: [audit_log]
                """);

        assertThat(file.job().root()).isEqualTo(new TableName("public", "tenants"));
        assertThat(file.job().excludedTables()).containsExactly(new TableName("public", "audit_log"));
    }

    @Test
    void mixedCaseTableNamesAreKeptAsWritten() {
        assertThat(JobFileReader.tableName("Sales.Order Lines")).isEqualTo(new TableName("Sales", "Order Lines"));
        // a quoted YAML value keeps its blanks, and PostgreSQL allows a name ending in a space
        assertThat(JobFileReader.tableName("app.trailing ")).isEqualTo(new TableName("app", "trailing "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".tenants", "app.", " "})
    void malformedTableNameIsRejected(String text) {
        assertThatThrownBy(() -> JobFileReader.tableName(text))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a table name; write schema.table");
    }

    @Test
    void passwordFileIsReadAsAPath() {
        JobFile file = parse(MINIMAL + """
                database:
                  passwordFile: /etc/declutter/password
                """);

        assertThat(file.database().passwordFile()).contains(Path.of("/etc/declutter/password"));
        assertThat(file.database().passwordEnv()).isEmpty();
    }

    @Test
    void readNamesTheMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> JobFileReader.read(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage("job file " + missing + " does not exist");
    }

    @Test
    void readParsesAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.yaml"), MINIMAL);
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "root:\n  table: app.tenants\n  keys: runtime\n");

        assertThat(JobFileReader.read(good).job().name()).isEqualTo("tenant_purge");
        assertThatThrownBy(() -> JobFileReader.read(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(bad + ": ");
    }

    // --- mistakes --------------------------------------------------------------------------------------------

    @Test
    void missingJobNameIsRejected() {
        assertRejected("""
                root:
                  table: app.tenants
                  keys: runtime
                """).hasMessage("job.yaml: 'job' (the job name) is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "# nothing here\n", "~\n"})
    void emptyFileIsRejectedAsMissingTheJobName(String yaml) {
        assertRejected(yaml).hasMessage("job.yaml: 'job' (the job name) is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Tenant-Purge", "1abc", "tenant purge", "a_job_name_that_is_much_too_long"})
    void invalidJobNameIsRejected(String name) {
        assertRejected(MINIMAL.replace("tenant_purge", "\"" + name + "\""))
                .hasMessageStartingWith("job.yaml: ")
                .hasMessageContaining("job name '" + name + "' is not a valid job name")
                .hasMessageContaining("lower-case letters, digits and underscores");
    }

    @Test
    void jobNameOfThirtyCharactersIsAccepted() {
        String name = "a".repeat(30);

        assertThat(parse(MINIMAL.replace("tenant_purge", name)).job().name()).isEqualTo(name);
    }

    @Test
    void missingRootIsRejected() {
        assertRejected("job: p\n").hasMessageContaining("'root' is required: give 'root' one of:")
                .hasMessageContaining("{orphansOf: REFERENCE}").hasMessageContaining("{duplicatesOf: schema.table,");
    }

    @Test
    void missingRootTableIsRejected() {
        assertRejected("""
                job: p
                root:
                  keys: runtime
                """).hasMessage("job.yaml: 'root.table' is required (the table whose rows are purged, as schema.table)");
    }

    @Test
    void bothWhereAndKeysAreRejected() {
        assertRejected("""
                job: p
                root:
                  table: app.tenants
                  where: "status = 'closed'"
                  keys: runtime
                """).hasMessageContaining("'root' chooses its rows more than one way")
                .hasMessageContaining("{table: schema.table, keys: runtime}");
    }

    @Test
    void neitherWhereNorKeysIsRejected() {
        assertRejected("""
                job: p
                root:
                  table: app.tenants
                """).hasMessageContaining("'root' does not say which rows to purge")
                .hasMessageContaining("{table: schema.table, where: CONDITION}");
    }

    @Test
    void keysOtherThanRuntimeAreRejected() {
        assertRejected("""
                job: p
                root:
                  table: app.tenants
                  keys: static
                """).hasMessageContaining("'root.keys: static' is not a choice; write 'root.keys: runtime'");
    }

    @Test
    void orphansOfAReferenceTakeItsChildAsRootAndItsDefaultName() {
        Job job = parse("""
                job: p
                root:
                  orphansOf: ref_orders_customer_id
                references:
                  - child: app.orders
                    columns: [customer_id]
                    parent: app.customers
                """).job();
        assertThat(job.root()).isEqualTo(new TableName("app", "orders"));
        assertThat(job.rows()).isEqualTo(new RootRows.OrphansOf("ref_orders_customer_id"));
        assertThat(job.keysAtRunTime()).isFalse();
        assertThat(job.rootPredicate()).isEmpty();
    }

    @Test
    void orphansOfAForeignKeyAreNamedWithItsTable() {
        Job job = parse("""
                job: p
                root:
                  orphansOf: app.invoices.invoices_customer_fk
                """).job();
        assertThat(job.root()).isEqualTo(new TableName("app", "invoices"));
        assertThat(job.rows()).isEqualTo(new RootRows.OrphansOf("invoices_customer_fk"));
    }

    @Test
    void orphansOfAnUnknownPlainNameOrWithATableAreRejected() {
        assertRejected("""
                job: p
                root:
                  orphansOf: customer_ref
                references:
                  - name: order_customer
                    child: app.orders
                    columns: [customer_id]
                    parent: app.customers
                """).hasMessageContaining("'root.orphansOf: customer_ref' names no logical reference of the"
                + " 'references' list (its names: order_customer); for a foreign key, write its table and name:"
                + " schema.table.constraint");
        assertRejected("""
                job: p
                root:
                  table: app.orders
                  orphansOf: app.orders.fk
                """).hasMessageContaining("'root.table' is not given with 'root.orphansOf'");
        assertRejected("""
                job: p
                root:
                  orphansOf: app.orders.fk
                  where: "true"
                """).hasMessageContaining("'root' chooses its rows more than one way");
    }

    @Test
    void duplicatesTakeTheirKeyAndWhichRowStays() {
        Job job = parse("""
                job: p
                root:
                  duplicatesOf: app.users
                  key: [lower(email), tenant_id]
                  keep: newest by created_at
                """).job();
        assertThat(job.root()).isEqualTo(new TableName("app", "users"));
        assertThat(job.rows()).isEqualTo(new RootRows.DuplicatesOf(List.of("lower(email)", "tenant_id"),
                new RootRows.Keep(RootRows.Keep.Order.NEWEST, Optional.of("created_at"))));
        for (String keep : List.of("oldest by id", "lowest", "highest", "  Highest ")) {
            RootRows.DuplicatesOf d = (RootRows.DuplicatesOf) parse("""
                    job: p
                    root:
                      duplicatesOf: app.users
                      key: [email]
                      keep: "%s"
                    """.formatted(keep)).job().rows();
            assertThat(d.keep().describe()).as(keep).isIn("oldest by id", "lowest by the primary key",
                    "highest by the primary key");
            assertThat(d.repoint()).as("children: purge is the default").isFalse();
        }
        RootRows.DuplicatesOf repoint = (RootRows.DuplicatesOf) parse("""
                job: p
                root:
                  duplicatesOf: app.users
                  key: [email]
                  keep: lowest
                  children: Repoint
                """).job().rows();
        assertThat(repoint.repoint()).isTrue();
        assertThat(repoint.describe()).endsWith(", their referencing rows re-pointed to the kept row");
    }

    @Test
    void duplicatesWithoutKeyOrKeepOrWithAnUnknownKeepAreRejected() {
        assertRejected("""
                job: p
                root:
                  duplicatesOf: app.users
                  keep: lowest
                """).hasMessageContaining("'root.duplicatesOf' needs 'key'");
        assertRejected("""
                job: p
                root:
                  duplicatesOf: app.users
                  key: [email]
                """).hasMessageContaining("and 'keep' (which row of each group stays");
        assertRejected("""
                job: p
                root:
                  duplicatesOf: app.users
                  key: [email]
                  keep: newest
                """).hasMessageContaining("'root.keep: newest' is not a choice; write 'newest by COLUMN'");
        assertRejected("""
                job: p
                root:
                  duplicatesOf: app.users
                  key: ["  "]
                  keep: lowest
                """).hasMessageContaining("'root.key' holds an empty expression");
        assertRejected("""
                job: p
                root:
                  table: app.users
                  where: "true"
                  keep: lowest
                """).hasMessageContaining("'root.key', 'root.keep' and 'root.children' go with 'root.duplicatesOf'"
                + " only");
        assertRejected("""
                job: p
                root:
                  duplicatesOf: app.users
                  key: [email]
                  keep: lowest
                  children: move
                """).hasMessageContaining("'root.children: move' is not a choice; write 'purge'")
                .hasMessageContaining("'repoint'");
        assertRejected("""
                job: p
                root:
                  table: app.users
                  duplicatesOf: app.users
                  key: [email]
                  keep: lowest
                """).hasMessageContaining("'root.table' is not given with 'root.duplicatesOf'");
    }

    @Test
    void blankWhereIsRejected() {
        assertRejected("""
                job: p
                root:
                  table: app.tenants
                  where: "  "
                """).hasMessageContaining("root predicate is empty");
    }

    @Test
    void backupKeepAndReceiptSettings() {
        JobFile kept = parse(MINIMAL + "backup: {keep: 30d}\nreceipt: {hashKeys: true}\n");
        assertThat(kept.job().backup()).isTrue();
        assertThat(kept.backupKeep()).contains(java.time.Duration.ofDays(30));
        assertThat(kept.receiptHashKeys()).isTrue();
        assertThat(parse(MINIMAL + "backup:\n  keep: 0\n").backupKeep()).contains(java.time.Duration.ZERO);
        JobFile plain = parse(MINIMAL + "backup: false\n");
        assertThat(plain.job().backup()).isFalse();
        assertThat(plain.backupKeep()).isEmpty();
        assertThat(plain.receiptHashKeys()).isFalse();
        assertRejected(MINIMAL + "backup: {kepp: 30d}\n").hasMessageContaining("unknown setting 'backup.kepp'");
        assertRejected(MINIMAL + "backup: {keep: 30 days}\n").hasMessageContaining("backup.keep: '30 days' is not a"
                + " duration");
        assertRejected(MINIMAL + "backup: [1]\n").hasMessageContaining("'backup' is true");
    }

    @Test
    void backupArchiveSetting(@TempDir Path dir) throws IOException {
        JobFile archived = parse(MINIMAL + "backup: {keep: 0, archive: /backup/declutter}\n");
        assertThat(archived.job().backup()).isTrue();
        assertThat(archived.backupKeep()).contains(java.time.Duration.ZERO);
        assertThat(archived.backupArchive()).contains(Path.of("/backup/declutter"));
        assertThat(parse(MINIMAL + "backup: {keep: 30d}\n").backupArchive()).isEmpty();
        assertThat(parse(MINIMAL + "backup: {archive: }\n").backupArchive()).as("left empty: not given").isEmpty();

        // relative to the job file, wherever the runner starts
        Path file = dir.resolve("jobs").resolve("job.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, MINIMAL + "backup:\n  archive: ../archives\n");
        assertThat(JobFileReader.read(file).backupArchive()).contains(dir.resolve("archives").toAbsolutePath());

        assertRejected(MINIMAL + "backup: {archive: \"  \"}\n")
                .hasMessage("job.yaml: 'backup.archive' is a directory (e.g. /backup/declutter), under which each run's"
                        + " archive goes into run-N; got an empty value");
        assertRejected(MINIMAL + "backup: {archive: [a, b]}\n").hasMessageContaining("'backup.archive' is a directory")
                .hasMessageContaining("[\"a\",\"b\"]");
        assertRejected(MINIMAL + "backup: {archiv: /x}\n")
                .hasMessage("job.yaml: unknown setting 'backup.archiv'; the settings allowed there are keep, archive");
    }

    @Test
    void misspeltSettingIsRejectedNamingItAndTheSettingMeant() {
        assertRejected(MINIMAL + "batchsize: 100\n")
                .hasMessage("job.yaml: unknown setting 'batchsize' at line 5 (did you mean 'batchSize'?);"
                        + " the settings allowed there are backup, batchSize, database, edges, exclude, job, receipt,"
                        + " references, rehearse, roles, root, schedule, startWhen, throttle, timeZone, timeouts, triggers, window");
    }

    @Test
    void misspeltNestedSettingIsRejectedWithItsPath() {
        assertRejected(MINIMAL + """
                timeouts:
                  locks: 5s
                """).hasMessage("job.yaml: unknown setting 'timeouts.locks' at line 6;"
                + " the settings allowed there are lock, statement");
    }

    @Test
    void settingGivenTwiceIsRejected() {
        assertRejected(MINIMAL + "batchSize: 100\nbatchSize: 200\n")
                .hasMessageStartingWith("job.yaml: ")
                .hasMessageContaining("batchSize")
                .hasMessageContaining("line 6");
    }

    @Test
    void nestedSettingGivenTwiceIsRejected() {
        assertRejected("""
                job: p
                root:
                  table: app.tenants
                  where: "status = 'closed'"
                  where: "true"
                """).hasMessageContaining("where");
    }

    @Test
    void batchSizeBelowOneIsRejected() {
        assertRejected(MINIMAL + "batchSize: 0\n").hasMessageContaining("batch size must be at least 1, got 0");
    }

    @Test
    void batchSizeThatIsNotANumberIsRejected() {
        assertRejected(MINIMAL + "batchSize: lots\n").hasMessageStartingWith("job.yaml: ").hasMessageContaining("lots");
    }

    @Test
    void badDurationIsRejectedNamingTheSetting() {
        assertRejected(MINIMAL + """
                timeouts:
                  lock: 5 seconds
                """).hasMessage("timeouts.lock: '5 seconds' is not a duration; write a number with ms, s, min, h or d"
                + " (e.g. 5s, 10min, 6h)");
    }

    @Test
    void badStatementTimeoutIsRejectedNamingTheSetting() {
        assertRejected(MINIMAL + """
                timeouts:
                  statement: forever
                """).hasMessageStartingWith("timeouts.statement: 'forever'");
    }

    @Test
    void badWindowTimeIsRejected() {
        assertRejected(MINIMAL + """
                window:
                  start: "10pm"
                  end: "05:00"
                """).hasMessage("window.start: '10pm' is not a time of day; write HH:MM (e.g. 22:00)");
    }

    @Test
    void windowHourOutOfRangeIsRejected() {
        assertRejected(MINIMAL + """
                window:
                  start: "22:00"
                  end: "25:00"
                """).hasMessageStartingWith("window.end: '25:00' is not a time of day");
    }

    @Test
    void windowStartWithoutEndIsRejected() {
        assertRejected(MINIMAL + """
                window:
                  start: "22:00"
                """).hasMessageContaining("give both 'start' and 'end'");
    }

    @Test
    void badMaxDurationIsRejected() {
        assertRejected(MINIMAL + """
                window:
                  maxDuration: 6 hours
                """).hasMessageStartingWith("window.maxDuration: '6 hours' is not a duration");
    }

    @Test
    void windowWithOnlyMaxDurationIsAccepted() {
        assertThat(parse(MINIMAL + "window:\n  maxDuration: 90min\n").window())
                .isEqualTo(new Window(Optional.empty(), Optional.empty(), Optional.of(Duration.ofMinutes(90))));
    }

    @Test
    void unquotedWindowTimesAreRead() {
        // YAML 1.1 reads 22:00 as the base-60 number 1320; the file still means ten in the evening.
        JobFile file = parse(MINIMAL + """
                window:
                  start: 22:00
                  end: 05:30
                """);

        assertThat(file.window().start()).contains(LocalTime.of(22, 0));
        assertThat(file.window().end()).contains(LocalTime.of(5, 30));
    }

    @Test
    void passwordEnvAndPasswordFileTogetherAreRejected() {
        assertRejected(MINIMAL + """
                database:
                  passwordEnv: DECLUTTER_PASSWORD
                  passwordFile: /etc/declutter/password
                """).hasMessage("database: give 'passwordEnv' or 'passwordFile', not both");
    }

    @Test
    void excludingTheRootIsRejected() {
        assertRejected(MINIMAL + "exclude: [app.tenants]\n").hasMessageContaining("root table app.tenants cannot be excluded");
    }

    @Test
    void emptyTimeoutsSectionKeepsTheDefaults() {
        JobFile file = parse(MINIMAL + "timeouts:\n");

        assertThat(file.job().lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(file.job().statementTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void emptyTimeoutKeepsItsDefault() {
        JobFile file = parse(MINIMAL + """
                timeouts:
                  lock:
                  statement: 1h
                """);

        assertThat(file.job().lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(file.job().statementTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void emptySectionsAndSettingsAreTakenAsNotGiven() {
        JobFile file = parse(MINIMAL + """
                batchSize:
                backup:
                exclude:
                window:
                database:
                """);

        assertThat(file.job().batchSize()).isEqualTo(5000);
        assertThat(file.job().backup()).isTrue();
        assertThat(file.job().excludedTables()).isEmpty();
        assertThat(file.window()).isEqualTo(Window.ALWAYS);
        assertThat(file.database()).isEqualTo(DatabaseSettings.NONE);
    }

    @Test
    void emptyExcludeEntryIsRejected() {
        assertRejected(MINIMAL + "exclude:\n  - app.audit_log\n  -\n")
                .hasMessageContaining("is not a table name; write schema.table");
    }

    @Test
    void notYamlIsRejected() {
        assertRejected("job: [unclosed\n").hasMessageStartingWith("job.yaml: ");
    }

    @Test
    void aValueWhereASectionBelongsNamesTheSetting() {
        assertThatThrownBy(() -> JobFileReader.parse("j.yaml", "job: purge\nroot: app.tenants\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("setting 'root'").hasMessageContaining("wrong form");
    }

    @Test
    void edgeOverridesAreReadByTableAndConstraint() {
        Job job = parse(MINIMAL + """
                edges:
                  - table: app.events
                    constraint: events_user_id_fkey
                    strategy: delete
                """).job();
        assertThat(job.edgeOverrides()).singleElement().satisfies(o -> {
            assertThat(o.table()).isEqualTo(new TableName("app", "events"));
            assertThat(o.constraint()).isEqualTo("events_user_id_fkey");
            assertThat(o.strategy()).isEqualTo(io.declutter.model.Strategy.DELETE);
        });
        assertThat(parse(MINIMAL).job().edgeOverrides()).isEmpty();
    }

    @Test
    void edgeOverrideWithAStrategyThatCannotBeChosenIsRejected() {
        assertRejected(MINIMAL + """
                edges:
                  - {table: app.events, constraint: events_user_id_fkey, strategy: set null}
                """).hasMessageContaining("edges[0]").hasMessageContaining("strategy 'set null'")
                .hasMessageContaining("'delete'").hasMessageContaining("'skip'");
    }

    @Test
    void incompleteEdgeOverrideIsRejected() {
        assertRejected(MINIMAL + """
                edges:
                  - {table: app.events, strategy: delete}
                """).hasMessageContaining("edges[0]").hasMessageContaining("'constraint'");
    }

    @Test
    void edgeOverriddenTwiceIsRejected() {
        assertRejected(MINIMAL + """
                edges:
                  - {table: app.events, constraint: events_user_id_fkey, strategy: delete}
                  - {table: app.events, constraint: events_user_id_fkey, strategy: delete}
                """).hasMessageContaining("app.events.events_user_id_fkey is overridden more than once");
    }

    @Test
    void triggersAreKeptUnlessTheJobDisablesThem() {
        assertThat(parse(MINIMAL).job().disabledTriggers()).isEmpty();
        assertThat(parse(MINIMAL + "triggers: keep\n").job().disabledTriggers()).isEmpty();
        assertThat(parse(MINIMAL + "triggers:\n  disable: [org_outbox, app.users.users_audit]\n").job()
                .disabledTriggers()).containsExactly("app.users.users_audit", "org_outbox");
    }

    @Test
    void aTriggersSettingOfAnotherFormIsRejectedWithTheForms() {
        assertRejected(MINIMAL + "triggers: none\n").hasMessageContaining("job.yaml: 'triggers: none' is not a choice:"
                + " 'triggers' is either 'keep' (the default) or '{disable: [trigger, ...]}'");
        assertRejected(MINIMAL + "triggers: {disabled: [a]}\n").hasMessageContaining("'triggers' has the setting(s)"
                + " disabled");
        assertRejected(MINIMAL + "triggers: {disable: []}\n").hasMessageContaining("one or more trigger names");
        assertRejected(MINIMAL + "triggers: {disable: [a, a]}\n").hasMessageContaining("trigger a is named more"
                + " than once");
        assertRejected(MINIMAL + "triggers: {disable: [[a]]}\n").hasMessageContaining("not a trigger name");
    }

    @Test
    void rehearseDefaultsToASampleOfOneHundredRootRows() {
        assertThat(parse(MINIMAL).rehearse()).isEqualTo(new RehearsalSetting(true, Optional.of(100)));
        assertThat(parse(MINIMAL + "rehearse: true\n").rehearse()).isEqualTo(RehearsalSetting.DEFAULT);
        assertThat(parse(MINIMAL + "rehearse: false\n").rehearse().enabled()).isFalse();
        assertThat(parse(MINIMAL + "rehearse: all\n").rehearse()).isEqualTo(new RehearsalSetting(true, Optional.empty()));
        assertThat(parse(MINIMAL + "rehearse: 5\n").rehearse()).isEqualTo(new RehearsalSetting(true, Optional.of(5)));
        assertThat(parse(MINIMAL + "rehearse:\n").rehearse()).isEqualTo(RehearsalSetting.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rehearse: 0", "rehearse: -3", "rehearse: sometimes", "rehearse: [1]"})
    void aRehearseSettingThatIsNotTrueFalseAllOrACountIsRejected(String line) {
        assertRejected(MINIMAL + line + "\n").hasMessageContaining("rehearse");
    }
}
