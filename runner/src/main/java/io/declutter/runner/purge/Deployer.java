package io.declutter.runner.purge;

import io.declutter.dialect.GeneratedFile;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/** Writes generated files and deploys them with Liquibase (the changesets of the generated changelog.xml). */
public final class Deployer {

    private Deployer() {
    }

    /** Writes the files under {@code dir}, replacing what was there; returns the paths written. */
    public static List<Path> write(List<GeneratedFile> files, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (GeneratedFile f : files) {
            Path target = dir.resolve(f.path());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.content(), StandardCharsets.UTF_8);
        }
        return files.stream().map(f -> dir.resolve(f.path())).toList();
    }

    /**
     * Applies {@code changelog.xml} in {@code dir} to the database behind {@code connection}. Liquibase's own
     * bookkeeping (DATABASECHANGELOG, DATABASECHANGELOGLOCK) goes into {@code bookkeepingSchema}, declutter's
     * framework schema, never into the connection's default schema: a tool that removes clutter adds none to the
     * application's schemas. On PostgreSQL that schema is created here when missing, as
     * Liquibase locks before the first changeset (which creates it too) runs; on Oracle it is the DECLUTTER user,
     * created beforehand by setup_schema.sql.
     */
    public static void liquibaseUpdate(Connection connection, Path dir, String bookkeepingSchema) throws Exception {
        JulBridge.install();
        WholeFileSqlParser.register();
        ReadOnceSqlFileChange.register();
        Database database = DatabaseFactory.getInstance()
                .findCorrectDatabaseImplementation(new JdbcConnection(connection));
        boolean postgres = database instanceof PostgresDatabase;
        if (postgres) {
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS \"" + bookkeepingSchema.replace("\"", "\"\"") + "\"");
                // Every changeset commits on its own, and a job of 1,000 tables has thousands: waiting for the WAL
                // flush of each took most of a minute (docs/benchmark.md#wide). Without the wait a crash can lose
                // only the last changesets or their DATABASECHANGELOG rows (Liquibase commits a changeset, then
                // writes its row), which the next deploy applies again, as every changeset may be (runOnChange);
                // and the deploy ends with a commit that waits for them all (below).
                st.execute("SET synchronous_commit = off");
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        database.setLiquibaseSchemaName(bookkeepingSchema);
        try (DirectoryResourceAccessor accessor = new DirectoryResourceAccessor(dir)) {
            // Liquibase's console output goes to its logger (and so to SLF4J) instead of stdout.
            Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor,
                    Scope.Attr.ui.name(), new LoggerUIService()), () ->
                    new CommandScope(UpdateCommandStep.COMMAND_NAME)
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "changelog.xml")
                            .execute());
        } finally {
            if (postgres) {
                durable(connection);
            }
        }
    }

    /**
     * Back to synchronous commits, then one transaction that writes a commit record (an xid is assigned) and so waits
     * until the WAL of every changeset before it is flushed: a deploy that reports success is durable.
     */
    private static void durable(Connection connection) throws java.sql.SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback(); // nothing of Liquibase's is left open after an update; an error left its own
        }
        try (Statement st = connection.createStatement()) {
            st.execute("RESET synchronous_commit");
            st.execute("SELECT txid_current()");
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }
}
