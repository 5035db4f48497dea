package io.declutter.config;

import io.declutter.model.Job;
import io.declutter.model.StartWhen;
import io.declutter.model.Throttle;
import io.declutter.model.Window;

import java.util.Objects;

/**
 * A parsed job file: the purge definition, when it may run, where the database is, whether a run is rehearsed, and
 * how it is throttled and when it is worth starting (docs/throttle.md).
 */
public record JobFile(Job job, Window window, DatabaseSettings database, RehearsalSetting rehearse, Throttle throttle,
                      StartWhen startWhen) {

    public JobFile {
        Objects.requireNonNull(rehearse, "rehearse");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(startWhen, "startWhen");
    }
}
