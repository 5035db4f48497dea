package io.declutter.config;

import io.declutter.model.StartWhen;
import io.declutter.model.TableName;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job file's {@code startWhen} section (docs/throttle.md#start-thresholds). */
class StartWhenSectionTest {

    private static final String WHERE = """
            job: tenant_purge
            root:
              table: app.tenants
              where: "status = 'closed'"
            """;

    private static StartWhen parse(String yaml) {
        return JobFileReader.parse("job.yaml", yaml).startWhen();
    }

    @Test
    void everySetting() {
        StartWhen w = parse(WHERE + """
                startWhen:
                  rootRows: 10000
                  deadTuples: {table: app.events, over: 1000000}
                  deadTupleRatio: {table: app.events, over: 0.2}
                  tableSize: {table: app.events, over: 10GB}
                """);
        TableName events = new TableName("app", "events");
        assertThat(w).isEqualTo(new StartWhen(OptionalLong.of(10000),
                Optional.of(new StartWhen.TableThreshold(events, 1_000_000)),
                Optional.of(new StartWhen.TableThreshold(events, 0.2)),
                Optional.of(new StartWhen.TableThreshold(events, 10L << 30))));
        assertThat(w.any()).isTrue();
        assertThat(parse(WHERE)).isEqualTo(StartWhen.ALWAYS);
        assertThat(StartWhen.ALWAYS.any()).isFalse();
    }

    @Test
    void badValuesAreClearErrors() {
        assertThatThrownBy(() -> parse(WHERE.replace("where: \"status = 'closed'\"", "keys: runtime")
                + "startWhen:\n  rootRows: 10\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("startWhen.rootRows counts the rows 'root.where' matches");
        assertThatThrownBy(() -> parse(WHERE + "startWhen:\n  rootRows: 0\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("startWhen.rootRows must be at least 1");
        assertThatThrownBy(() -> parse(WHERE + "startWhen:\n  deadTuples: {table: app.events}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("startWhen.deadTuples: give 'table' (schema.table) and 'over'");
        assertThatThrownBy(() -> parse(WHERE + "startWhen:\n  deadTuples: {table: app.events, over: many}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("startWhen.deadTuples.over: 'many' is not a whole number");
        assertThatThrownBy(() -> parse(WHERE + "startWhen:\n  deadTupleRatio: {table: app.events, over: 20}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("startWhen.deadTupleRatio.over must be more than 0 and at most 1");
        assertThatThrownBy(() -> parse(WHERE + "startWhen:\n  tableSize: {table: app.events, over: big}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("startWhen.tableSize.over: 'big' is not a size");
        assertThatThrownBy(() -> parse(WHERE + "startWhen:\n  deadRows: 5\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'startWhen.deadRows'");
    }
}
