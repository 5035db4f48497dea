package io.declutter.config;

import io.declutter.model.Job;
import io.declutter.model.Window;

import java.util.Objects;

/** A parsed job file: the purge definition, when it may run, and where the database is. */
public record JobFile(Job job, Window window, DatabaseSettings database) {

    public JobFile {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(database, "database");
    }
}
