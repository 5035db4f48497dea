package io.declutter.config;

import io.declutter.model.Throttle;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job file's {@code throttle} section (docs/throttle.md): every setting, the defaults, a clear error per mistake. */
class ThrottleSectionTest {

    private static final String MINIMAL = """
            job: tenant_purge
            root:
              table: app.tenants
              keys: runtime
            """;

    private static Throttle parse(String throttle) {
        return JobFileReader.parse("job.yaml", MINIMAL + throttle).throttle();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String throttle) {
        return assertThatThrownBy(() -> parse(throttle)).isInstanceOf(ConfigException.class);
    }

    @Test
    void everySetting() {
        Throttle t = parse("""
                throttle:
                  maxReplicaLag: 10s
                  maxReplicaLagBytes: 64MB
                  maxSlotRetainedWal: 2GB
                  maxWalRate: 50MB/s
                  maxTransactionAge: 5min
                  pauseOnAutovacuum: true
                  maxActiveSessions: 40
                  canary:
                    sql: SELECT 1 FROM app.tenants LIMIT 1
                    maxLatency: 200ms
                  onUnknown: hold
                  targetBatchTime: 2s
                  minBatchSize: 500
                  maxBatchSize: 20000
                """);
        assertThat(t).isEqualTo(new Throttle(Optional.of(Duration.ofSeconds(10)), OptionalLong.of(64L << 20),
                OptionalLong.of(2L << 30), OptionalLong.of(50L << 20), Optional.of(Duration.ofMinutes(5)), true,
                OptionalInt.of(40), Optional.of(new Throttle.Canary("SELECT 1 FROM app.tenants LIMIT 1",
                Duration.ofMillis(200))), Throttle.OnUnknown.HOLD, Optional.of(Duration.ofSeconds(2)), 500, 20000));
        assertThat(t.readsSignals()).isTrue();
        assertThat(t.adaptive()).isTrue();
    }

    @Test
    void noSectionIsNoThrottle() {
        Throttle t = JobFileReader.parse("job.yaml", MINIMAL).throttle();
        assertThat(t).isEqualTo(Throttle.NONE);
        assertThat(t.readsSignals()).isFalse();
        assertThat(t.adaptive()).isFalse();
        assertThat(parse("throttle:\n  onUnknown: go\n")).isEqualTo(Throttle.NONE);
    }

    @Test
    void sizesInBytesAndRatesWithOrWithoutPerSecond() {
        assertThat(parse("throttle:\n  maxReplicaLagBytes: 4096\n").maxReplicaLagBytes()).hasValue(4096);
        assertThat(parse("throttle:\n  maxSlotRetainedWal: 512kB\n").maxSlotRetainedWal()).hasValue(512 * 1024);
        assertThat(parse("throttle:\n  maxWalRate: 1TB\n").maxWalRate()).hasValue(1L << 40);
        assertThat(parse("throttle:\n  minBatchSize: 200000\n").maxBatchSize()).isEqualTo(200000);
    }

    @Test
    void badValuesAreClearErrors() {
        assertRejected("throttle:\n  maxReplicaLag: soon\n")
                .hasMessageContaining("throttle.maxReplicaLag: 'soon' is not a duration");
        assertRejected("throttle:\n  maxReplicaLag: 0s\n").hasMessageContaining("throttle.maxReplicaLag must be more than 0");
        assertRejected("throttle:\n  maxReplicaLagBytes: 10 apples\n")
                .hasMessageContaining("throttle.maxReplicaLagBytes: '10 apples' is not a size");
        assertRejected("throttle:\n  maxWalRate: fast\n").hasMessageContaining("throttle.maxWalRate: 'fast' is not a rate");
        assertRejected("throttle:\n  onUnknown: maybe\n")
                .hasMessageContaining("throttle.onUnknown: 'maybe' is not a choice; write go")
                .hasMessageContaining("or hold");
        assertRejected("throttle:\n  canary:\n    sql: SELECT 1\n")
                .hasMessageContaining("throttle.canary: give 'sql'").hasMessageContaining("'maxLatency'");
        assertRejected("throttle:\n  canary:\n    sql: ' '\n    maxLatency: 1s\n")
                .hasMessageContaining("throttle.canary.sql is empty");
        assertRejected("throttle:\n  minBatchSize: 0\n").hasMessageContaining("throttle.minBatchSize must be at least 1");
        assertRejected("throttle:\n  minBatchSize: 500\n  maxBatchSize: 100\n")
                .hasMessageContaining("throttle.maxBatchSize (100) is smaller than minBatchSize (500)");
        assertRejected("throttle:\n  maxActiveSessions: 0\n")
                .hasMessageContaining("throttle.maxActiveSessions must be at least 1");
        assertRejected("throttle:\n  maxReplicaLagg: 1s\n")
                .hasMessageContaining("unknown setting 'throttle.maxReplicaLagg'")
                .hasMessageContaining("maxReplicaLag, maxReplicaLagBytes");
        assertRejected("throttle:\n  pauseOnAutovacuum: sometimes\n")
                .hasMessageContaining("throttle.pauseOnAutovacuum");
        assertRejected("throttle: 10s\n").hasMessageContaining("'throttle'").hasMessageContaining("wrong form");
    }

    @Test
    void oracleUndoLimitAndStandbyUrl() {
        Throttle t = parse("""
                throttle:
                  maxReplicaLag: 30s
                  standbyUrl: jdbc:oracle:thin:@//standby.example.com:1521/APPPDB
                  maxUndoBlocks: 100_000
                """);
        assertThat(t.maxUndoBlocks()).isEqualTo(OptionalLong.of(100_000));
        assertThat(t.standbyUrl()).contains("jdbc:oracle:thin:@//standby.example.com:1521/APPPDB");
        assertThat(t.readsSignals()).isTrue();
        assertThat(parse("throttle:\n  maxUndoBlocks: 5000\n").readsSignals()).as("undo alone is a limit").isTrue();
        assertThat(t.summary()).contains("maxUndoBlocks 100000")
                .contains("standbyUrl jdbc:oracle:thin:@//standby.example.com:1521/APPPDB");
        assertThat(Throttle.NONE.maxUndoBlocks()).isEmpty();
        assertThat(Throttle.NONE.standbyUrl()).isEmpty();
    }

    @Test
    void badOracleValuesAreClearErrors() {
        assertRejected("throttle:\n  maxUndoBlocks: lots\n")
                .hasMessageContaining("throttle.maxUndoBlocks: 'lots' is not a number of blocks");
        assertRejected("throttle:\n  maxUndoBlocks: 0\n").hasMessageContaining("throttle.maxUndoBlocks must be more than 0");
        assertRejected("throttle:\n  maxReplicaLag: 30s\n  standbyUrl: standby.example.com:1521\n")
                .hasMessageContaining("throttle.standbyUrl: 'standby.example.com:1521' is not a JDBC URL");
        assertRejected("throttle:\n  maxReplicaLag: 30s\n  standbyUrl: jdbc:oracle:thin:scott/tiger@//sb:1521/APP\n")
                .hasMessageContaining("must not hold a password").hasMessageContaining("database.passwordFile")
                .message().doesNotContain("tiger");
        assertRejected("throttle:\n  maxReplicaLag: 30s\n  standbyUrl: jdbc:postgresql://sb/app?password=x\n")
                .hasMessageContaining("must not hold a password");
        assertRejected("throttle:\n  standbyUrl: jdbc:oracle:thin:@//sb:1521/APP\n")
                .hasMessageContaining("give throttle.maxReplicaLag too");
    }
}
