package io.declutter.config;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A job's {@code schedule} and {@code timeZone} (docs/serve.md#schedules), in a job file and a policy file. */
class ScheduleSectionTest {

    private static final String JOB = """
            job: tenant_purge
            root:
              table: app.tenants
              where: "status = 'closed'"
            """;

    private static Optional<Schedule> parse(String yaml) {
        return JobFileReader.parse("job.yaml", yaml).schedule();
    }

    @Test
    void aCronExpressionAndATimeZone() {
        assertThat(parse(JOB)).isEmpty();
        assertThat(parse(JOB + "schedule: \"0 30 1 * * ?\"\n"))
                .contains(new Schedule("0 30 1 * * ?", Optional.empty()));
        Schedule s = parse(JOB + "schedule: \"0 0/15 22-23 ? * MON-FRI\"\ntimeZone: Europe/Paris\n").orElseThrow();
        assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(parse(JOB + "schedule: \"0 30 1 * * ?\"\n").orElseThrow().zone()).isEqualTo(ZoneId.systemDefault());
    }

    @Test
    void eachJobOfAPolicyFileHasItsOwn() {
        PolicyFile p = JobFileReader.parsePolicy("policy.yaml", """
                jobs:
                  - job: a
                    root: {table: app.a, where: "true"}
                    schedule: "0 0 2 * * ?"
                    timeZone: UTC
                  - job: b
                    root: {table: app.b, where: "true"}
                """);
        assertThat(p.find("a").orElseThrow().schedule()).contains(new Schedule("0 0 2 * * ?",
                Optional.of(ZoneId.of("UTC"))));
        assertThat(p.find("b").orElseThrow().schedule()).isEmpty();
    }

    @Test
    void mistakesAreClearErrors() {
        assertThatThrownBy(() -> parse(JOB + "schedule: \"30 1 * * *\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schedule: '30 1 * * *' is not a Quartz cron expression")
                .hasMessageContaining("\"0 30 1 * * ?\" is 01:30:00 every day");
        assertThatThrownBy(() -> parse(JOB + "schedule: \"0 61 1 * * ?\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a Quartz cron expression");
        assertThatThrownBy(() -> parse(JOB + "schedule: \"0 30 1 * * ?\"\ntimeZone: Mars/Olympus\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("timeZone: 'Mars/Olympus' is not a time zone");
        assertThatThrownBy(() -> parse(JOB + "timeZone: UTC\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("timeZone: 'UTC' is given without a schedule");
        assertThatThrownBy(() -> JobFileReader.parsePolicy("policy.yaml", """
                jobs:
                  - job: a
                    root: {table: app.a, where: "true"}
                    schedule: "every night"
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs[0] (a)")
                .hasMessageContaining("schedule: 'every night' is not a Quartz cron expression");
    }
}
