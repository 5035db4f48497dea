package io.declutter.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTest {

    private static Job job(Duration lock, Duration statement) {
        return new Job("purge", new TableName("app", "tenants"), Optional.of("true"), 10, true, List.of(), lock, statement);
    }

    @Test
    void zeroTimeoutsAreRefusedBecausePostgresReadsZeroAsNoTimeout() {
        assertThatThrownBy(() -> job(Duration.ZERO, Duration.ofMinutes(1)))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("greater than 0");
        assertThatThrownBy(() -> job(Duration.ofSeconds(5), Duration.ZERO))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("greater than 0");
    }

    @Test
    void theRootTableCannotBeExcluded() {
        TableName root = new TableName("app", "tenants");
        assertThatThrownBy(() -> new Job("purge", root, Optional.of("true"), 10, true, List.of(root),
                Duration.ofSeconds(5), Duration.ofMinutes(1)))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("cannot be excluded");
    }
}
