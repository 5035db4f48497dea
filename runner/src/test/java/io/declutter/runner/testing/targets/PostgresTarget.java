package io.declutter.runner.testing.targets;

import io.declutter.runner.testing.DemoPurge;

import java.nio.file.Path;
import java.sql.Connection;

/** The demo on the test PostgreSQL server ({@link io.declutter.runner.testing.TestDatabase}): a fresh database per suite. */
public final class PostgresTarget implements PurgeTarget {

    private final DemoPurge demo;

    private PostgresTarget(DemoPurge demo) {
        this.demo = demo;
    }

    public static PostgresTarget create(String prefix) throws Exception {
        return new PostgresTarget(DemoPurge.create(prefix));
    }

    @Override
    public String dialect() {
        return "PostgreSQL";
    }

    @Override
    public Path dir() {
        return demo.dir();
    }

    @Override
    public Path jobFile() {
        return demo.jobFile();
    }

    @Override
    public Connection connect() {
        return demo.connect();
    }

    @Override
    public String appSchema() {
        return "app";
    }

    @Override
    public String declutterSchema() {
        return DemoPurge.SCHEMA;
    }

    @Override
    public void close() throws Exception {
        demo.close();
    }
}
