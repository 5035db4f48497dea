package io.declutter.runner.testing;

import io.declutter.localdb.StandbyPair;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts the primary and streaming standby of a test ({@link StandbyPair}, docs/throttle.md#tests). Without the
 * PostgreSQL server binaries the test is skipped, except in CI ({@code CI=true}), where it fails.
 */
public final class TestStandby {

    private TestStandby() {
    }

    public static StandbyPair start() throws Exception {
        if (!StandbyPair.binariesFound()) {
            String why = "no PostgreSQL server binaries in " + StandbyPair.BIN + " (set -Ddeclutter.pgbin)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " (CI=true: the standby tests must run)");
            }
            Assumptions.abort(why);
        }
        return StandbyPair.start();
    }
}
