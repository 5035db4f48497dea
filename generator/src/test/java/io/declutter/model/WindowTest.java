package io.declutter.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The daily window: membership (also across midnight) and the deadline of a run started at a given moment. */
class WindowTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Paris");
    private static final LocalDate DAY = LocalDate.of(2024, 3, 12);

    private static ZonedDateTime at(String time) {
        return ZonedDateTime.of(DAY, LocalTime.parse(time), ZONE);
    }

    private static Window window(String start, String end) {
        return new Window(Optional.of(LocalTime.parse(start)), Optional.of(LocalTime.parse(end)), Optional.empty());
    }

    private static final Window NIGHT = window("22:00", "05:00");

    @ParameterizedTest(name = "{0} inside 22:00-05:00: {1}")
    @CsvSource({
            "21:59, false",
            "22:00, true",
            "23:30, true",
            "00:00, true",
            "02:00, true",
            "04:59, true",
            "05:00, false",
            "12:00, false"})
    void windowSpanningMidnightContainsTheNightOnly(String time, boolean inside) {
        assertThat(NIGHT.contains(at(time))).isEqualTo(inside);
    }

    @ParameterizedTest(name = "{0} inside 09:00-17:00: {1}")
    @CsvSource({"08:59, false", "09:00, true", "13:00, true", "16:59, true", "17:00, false", "23:00, false"})
    void daytimeWindowContainsItsHours(String time, boolean inside) {
        assertThat(window("09:00", "17:00").contains(at(time))).isEqualTo(inside);
    }

    @Test
    void runStartedBeforeMidnightEndsAtTheEndOfTheWindowNextMorning() {
        assertThat(NIGHT.deadline(at("23:00")))
                .contains(ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(5, 0), ZONE));
    }

    @Test
    void runStartedAfterMidnightEndsTheSameMorning() {
        assertThat(NIGHT.deadline(at("01:00"))).contains(at("05:00"));
    }

    @Test
    void runStartedExactlyAtTheEndGetsTheNextEnd() {
        assertThat(NIGHT.deadline(at("05:00")))
                .contains(ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(5, 0), ZONE));
    }

    @Test
    void maxDurationShorterThanTheWindowGivesTheDeadline() {
        Window w = new Window(NIGHT.start(), NIGHT.end(), Optional.of(Duration.ofHours(2)));

        assertThat(w.deadline(at("23:00")))
                .contains(ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(1, 0), ZONE));
    }

    @Test
    void windowEndEarlierThanMaxDurationGivesTheDeadline() {
        Window w = new Window(NIGHT.start(), NIGHT.end(), Optional.of(Duration.ofHours(8)));

        assertThat(w.deadline(at("23:00")))
                .contains(ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(5, 0), ZONE));
    }

    @Test
    void maxDurationAloneIsCountedFromTheStart() {
        Window w = new Window(Optional.empty(), Optional.empty(), Optional.of(Duration.ofMinutes(90)));

        assertThat(w.contains(at("12:00"))).isTrue();
        assertThat(w.deadline(at("12:00"))).contains(at("13:30"));
    }

    @Test
    void noWindowAlwaysContainsAndHasNoDeadline() {
        assertThat(Window.ALWAYS.contains(at("03:00"))).isTrue();
        assertThat(Window.ALWAYS.contains(at("15:00"))).isTrue();
        assertThat(Window.ALWAYS.deadline(at("15:00"))).isEmpty();
    }

    @Test
    void startWithoutEndIsRejected() {
        assertThatThrownBy(() -> new Window(Optional.of(LocalTime.of(22, 0)), Optional.empty(), Optional.empty()))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("give both 'start' and 'end'");
    }

    @Test
    void endWithoutStartIsRejected() {
        assertThatThrownBy(() -> new Window(Optional.empty(), Optional.of(LocalTime.of(5, 0)), Optional.empty()))
                .isInstanceOf(InvalidJobException.class);
    }

    @Test
    void emptyWindowIsRejected() {
        assertThatThrownBy(() -> window("22:00", "22:00"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'start' and 'end' are both 22:00");
    }
}
