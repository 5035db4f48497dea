package io.declutter.config;

import io.declutter.model.Job;
import io.declutter.model.Window;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed job file: the purge definition, when it may run, where the database is, whether a run is rehearsed, and
 * how long a finished run's backup is kept (empty: until 'declutter expire' drops it; docs/archive.md#expiry),
 * and whether the erasure receipt shows the root keys hashed (docs/archive.md#receipt).
 */
public record JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse,
                      Optional<Duration> backupKeep, boolean receiptHashKeys) {

    public JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse) {
        this(job, window, database, rehearse, Optional.empty(), false);
    }

    public JobFile {
        Objects.requireNonNull(backupKeep, "backupKeep");
        backupKeep.ifPresent(k -> {
            if (k.isNegative()) {
                throw new IllegalArgumentException("backup.keep must not be negative");
            }
        });
        Objects.requireNonNull(rehearse, "rehearse");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(database, "database");
    }
}
