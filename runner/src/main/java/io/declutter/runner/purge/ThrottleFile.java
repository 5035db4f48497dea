package io.declutter.runner.purge;

import io.declutter.config.ConfigException;
import io.declutter.config.JobFileReader;
import io.declutter.model.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The throttle limits of a running job: the job file's {@code throttle} section, read again between units of work
 * whenever the file has changed (docs/throttle.md#changing-limits-during-a-run). An edit that makes the file invalid
 * is reported and ignored: the run keeps the limits it had.
 */
public final class ThrottleFile implements Supplier<Throttle> {

    private static final Logger LOG = LoggerFactory.getLogger(ThrottleFile.class);

    private final Optional<Path> file;
    private final String job;
    private Throttle current;
    private FileTime lastModified;

    /**
     * @param file the job file or policy file, or empty when the limits cannot change (they are {@code initial})
     * @param job  the job whose limits they are (in a policy file, its own section or the file's; docs/policy.md)
     */
    public ThrottleFile(Optional<Path> file, String job, Throttle initial) {
        this.file = file;
        this.job = job;
        this.current = initial;
        this.lastModified = file.map(ThrottleFile::modified).orElse(null);
    }

    @Override
    public Throttle get() {
        if (file.isEmpty()) {
            return current;
        }
        FileTime modified = modified(file.get());
        if (modified == null || modified.equals(lastModified)) {
            return current;
        }
        lastModified = modified;
        try {
            Throttle read = JobFileReader.readThrottle(file.get(), job);
            if (!read.equals(current)) {
                LOG.info("job file {} changed: the throttle limits are now: {}", file.get(), read.summary());
            }
            current = read;
        } catch (ConfigException e) {
            LOG.warn("job file {} changed but is not valid ({}); the run keeps its throttle limits", file.get(),
                    e.getMessage());
        }
        return current;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return null;
        }
    }
}
