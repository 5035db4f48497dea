package io.declutter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the database is and how to log in. The password never sits in the job file or on the command line:
 * it comes from an environment variable or from a file readable only by the DBA.
 */
public record DatabaseSettings(Optional<String> url, Optional<String> user, Optional<String> passwordEnv,
                               Optional<Path> passwordFile) {

    public static final DatabaseSettings NONE =
            new DatabaseSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** The password from the configured source, if any; a configured source that is missing is an error. */
    public Optional<String> password(Map<String, String> env) {
        if (passwordEnv.isPresent()) {
            String value = env.get(passwordEnv.get());
            if (value == null) {
                throw new ConfigException("database.passwordEnv names the environment variable " + passwordEnv.get()
                        + ", which is not set. Export it before running declutter.");
            }
            return Optional.of(value);
        }
        if (passwordFile.isPresent()) {
            try {
                return Optional.of(Files.readString(passwordFile.get()).strip());
            } catch (NoSuchFileException e) {
                throw new ConfigException("cannot read database.passwordFile " + passwordFile.get() + ": no such file."
                        + " Fix the path, or write the password into that file (readable only by you).");
            } catch (IOException e) {
                throw new ConfigException("cannot read database.passwordFile " + passwordFile.get() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** These settings with every part that {@code other} gives replacing ours (command line over job file). */
    public DatabaseSettings overriddenBy(DatabaseSettings other) {
        return new DatabaseSettings(other.url.or(() -> url), other.user.or(() -> user),
                other.passwordEnv.or(() -> passwordEnv), other.passwordFile.or(() -> passwordFile));
    }
}
