package io.declutter.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code -j FILE} names: a job file of one job, or a policy file, a {@code jobs:} list sharing the file's
 * database, window and throttle (docs/policy.md). {@code policy} is true for the second form (even with one job).
 * Job names are unique, in file order.
 */
public record PolicyFile(String source, List<JobFile> jobs, boolean policy) {

    public PolicyFile {
        Objects.requireNonNull(source, "source");
        jobs = List.copyOf(jobs);
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException(source + ": a policy file holds at least one job");
        }
        if (jobs.stream().map(j -> j.job().name()).distinct().count() != jobs.size()) {
            throw new IllegalArgumentException(source + ": job names repeat");
        }
    }

    /** The job names, in file order. */
    public List<String> names() {
        return jobs.stream().map(j -> j.job().name()).toList();
    }

    /** The job of that name. */
    public Optional<JobFile> find(String name) {
        return jobs.stream().filter(j -> j.job().name().equals(name)).findFirst();
    }
}
