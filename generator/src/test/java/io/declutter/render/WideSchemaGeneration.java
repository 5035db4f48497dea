package io.declutter.render;

import io.declutter.dialect.Dialect;
import io.declutter.dialect.GeneratedFile;
import io.declutter.dialect.postgres.PostgresDialect;
import io.declutter.localdb.WideSchema;
import io.declutter.model.Catalog;
import io.declutter.model.Job;
import io.declutter.model.PurgePlan;
import io.declutter.model.TableName;
import io.declutter.model.Window;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Introspect, plan and generate the wide schema's purge the way {@code declutter generate} does (the dialect's
 * catalog queries, {@code PlanBuilder}, the templates), in this JVM or, from {@link #main}, in a child JVM with a small
 * heap ({@link WideSchemaTest}).
 */
final class WideSchemaGeneration {

    static final Dialect DIALECT = new PostgresDialect();

    record Output(Catalog catalog, PurgePlan plan, List<GeneratedFile> files) {
    }

    private WideSchemaGeneration() {
    }

    static Job job() {
        return new Job("wide_purge", new TableName(WideSchema.SCHEMA, "tenants"), Optional.of(WideSchema.PREDICATE),
                5000, true, List.of(), Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    static Output generate(Connection c) throws SQLException {
        Catalog catalog = DIALECT.readCatalog(c);
        PurgePlan plan = DIALECT.plan(catalog, job());
        return new Output(catalog, plan, DIALECT.generate(plan, Window.ALWAYS));
    }

    /** SHA-256 over every file's path and content, in order. */
    static String digest(List<GeneratedFile> files) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (GeneratedFile f : files) {
            md.update(f.path().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(f.content().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * {@code WideSchemaGeneration URL [USER]} (a password comes from the environment, {@code PGPASSWORD}, never the
     * command line): prints the digest of the generated files and the heap used after a GC, files still held.
     */
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        if (args.length > 1) {
            props.setProperty("user", args[1]);
        }
        String pw = System.getenv("PGPASSWORD");
        if (pw != null) {
            props.setProperty("password", pw);
        }
        try (Connection c = DriverManager.getConnection(args[0], props)) {
            Output out = generate(c);
            String digest = digest(out.files());
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.println("digest " + digest);
            System.out.println("heap " + (rt.totalMemory() - rt.freeMemory()) + " files " + out.files().size());
        }
    }
}
