package io.declutter.config;

import io.declutter.model.DatabaseRoles;
import io.declutter.model.Job;
import io.declutter.model.StartWhen;
import io.declutter.model.Throttle;
import io.declutter.model.Window;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed job file: the purge definition, when it may run, where the database is, whether a run is rehearsed,
 * how long a finished run's backup is kept (empty: until 'declutter expire' drops it; docs/archive.md#expiry),
 * where the runner archives every unit's backup rows before it commits (empty: nowhere;
 * docs/archive.md#archive-before-delete),
 * whether the erasure receipt shows the root keys hashed (docs/archive.md#receipt), and how it is throttled and when
 * it is worth starting (docs/throttle.md), the database roles of its least-privilege set-up (docs/roles.md), and when
 * {@code declutter serve} starts it by itself (empty: only when triggered; docs/serve.md#schedules).
 */
public record JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse,
                      Optional<Duration> backupKeep, Optional<Path> backupArchive, boolean receiptHashKeys,
                      Throttle throttle, StartWhen startWhen, DatabaseRoles roles, Optional<Schedule> schedule) {

    /** A job file without a schedule. */
    public JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse,
                   Optional<Duration> backupKeep, Optional<Path> backupArchive, boolean receiptHashKeys,
                   Throttle throttle, StartWhen startWhen, DatabaseRoles roles) {
        this(job, window, database, rehearse, backupKeep, backupArchive, receiptHashKeys, throttle, startWhen, roles,
                Optional.empty());
    }

    /** A job file with the defaults: backups kept until expired by hand, keys not hashed, no throttle, always due. */
    public JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse) {
        this(job, window, database, rehearse, Optional.empty(), false, Throttle.NONE, StartWhen.ALWAYS);
    }

    /** A job file with the default roles (docs/roles.md) and no archive before delete. */
    public JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse,
                   Optional<Duration> backupKeep, boolean receiptHashKeys, Throttle throttle, StartWhen startWhen) {
        this(job, window, database, rehearse, backupKeep, Optional.empty(), receiptHashKeys, throttle, startWhen,
                DatabaseRoles.DEFAULT);
    }

    public JobFile {
        Objects.requireNonNull(backupKeep, "backupKeep");
        backupKeep.ifPresent(k -> {
            if (k.isNegative()) {
                throw new IllegalArgumentException("backup.keep must not be negative");
            }
        });
        Objects.requireNonNull(backupArchive, "backupArchive");
        Objects.requireNonNull(rehearse, "rehearse");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(startWhen, "startWhen");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(schedule, "schedule");
        if (backupArchive.isPresent() && !job.backup()) {
            throw new IllegalArgumentException("backup.archive needs the full backup ('backup: false' keeps keys only)");
        }
    }
}
