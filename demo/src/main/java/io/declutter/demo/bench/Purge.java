package io.declutter.demo.bench;

import io.declutter.localdb.PostgresLocator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every method purges: the tenants with {@code status = 'closed'} (exactly {@code tenants}), and all rows
 * that reference them through foreign keys, transitively.
 *
 * @param tenants  the closed tenants, in the order per-tenant methods take them
 * @param cap      time cap of the slow methods
 * @param work     a directory for generated files
 */
record Purge(PostgresLocator.Server server, List<Long> tenants, Duration cap, int batchSize, Path work) {

    static final String ROOT = SyntheticSchema.ROOT;
    static final String PREDICATE = "status = 'closed'";
}
