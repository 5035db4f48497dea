package io.declutter.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The short durations of job files: ms, s, min, h. */
class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"500ms, 500", "5s, 5000", "10min, 600000", "6h, 21600000", "0s, 0", "' 5s ', 5000", "5 s, 5000"})
    void readsNumberAndUnit(String text, long millis) {
        assertThat(Durations.parse("timeouts.lock", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 seconds", "5", "s", "-5s", "1.5h", "5m", "5S", "PT5S", ""})
    void rejectsOtherFormsNamingTheSetting(String text) {
        assertThatThrownBy(() -> Durations.parse("timeouts.lock", text))
                .isInstanceOf(ConfigException.class)
                .hasMessage("timeouts.lock: '" + text + "' is not a duration; write a number with ms, s, min, h or d"
                        + " (e.g. 5s, 10min, 6h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "9223372036854775807h"})
    void rejectsNumbersTooLargeForADuration(String text) {
        assertThatThrownBy(() -> Durations.parse("timeouts.statement", text))
                .isInstanceOf(ConfigException.class)
                .hasMessage("timeouts.statement: '" + text + "' is too long a duration");
    }
}
