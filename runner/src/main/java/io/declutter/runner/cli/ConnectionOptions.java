package io.declutter.runner.cli;

import io.declutter.config.DatabaseSettings;
import io.declutter.config.JobFile;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.UserError;
import io.declutter.runner.db.Connections;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Optional;

/** Where the database is; each option overrides the job file's {@code database} section. No password option. */
public final class ConnectionOptions {

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "JDBC URL, e.g. jdbc:postgresql://db:5432/app")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "database user")
    String user;

    @Option(names = "--password-env", paramLabel = "VAR", description = "environment variable holding the password")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the password")
    Path passwordFile;

    DatabaseSettings settings(JobFile jobFile) {
        return settings(jobFile.database());
    }

    /** {@code base} (a job file's, or {@link DatabaseSettings#NONE}) with these options applied over it. */
    DatabaseSettings settings(DatabaseSettings base) {
        return base.overriddenBy(new DatabaseSettings(Optional.ofNullable(url), Optional.ofNullable(user),
                Optional.ofNullable(passwordEnv), Optional.ofNullable(passwordFile)));
    }

    Connection open(JobFile jobFile) {
        return open(settings(jobFile));
    }

    Connection open(DatabaseSettings s) {
        String jdbcUrl = s.url().orElseThrow(() -> new UserError(ExitCodes.BAD_INPUT,
                "no database given: set database.url in the job file or pass --jdbc-url"));
        return Connections.open(jdbcUrl, s.user(), s.password(System.getenv()));
    }
}
