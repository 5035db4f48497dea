package io.declutter.runner.invariants;

import io.declutter.runner.testing.targets.PostgresTarget;
import io.declutter.runner.testing.targets.PurgeTarget;

/** The shared invariant suite on PostgreSQL (the test server, a fresh database). */
class PostgresInvariantSuiteTest extends InvariantSuite {

    @Override
    protected PurgeTarget createTarget() throws Exception {
        return PostgresTarget.create("suite");
    }
}
