package io.declutter.runner.testing.targets;

import io.declutter.config.JobFileReader;
import io.declutter.runner.testing.Cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A database the shared invariant suite runs against: a fresh database (or schema) holding the demo sample
 * ({@code sql/demo/<dialect>/}), the demo's job file pointed at it, and plain JDBC connections that see every table.
 * The dialect shows only in the names (PostgreSQL folds unquoted names to lower case, Oracle to upper case) and in
 * how the database is created; the checks themselves go through the CLI and standard JDBC.
 */
public interface PurgeTarget extends AutoCloseable {

    /** "PostgreSQL" or "Oracle", for messages. */
    String dialect();

    /** A working directory of the test (job file, generated files, stop files). */
    Path dir();

    /** The demo's job file, with a {@code database} section for this database. */
    Path jobFile();

    /** A connection that can read and lock every application and declutter table. */
    Connection connect() throws SQLException;

    /** The demo's application schema as the catalog stores it: {@code app} or {@code APP}. */
    String appSchema();

    /** The schema of declutter's own tables as the catalog stores it: {@code declutter} or {@code DECLUTTER}. */
    String declutterSchema();

    /** A demo table name ({@code documents}) as {@code schema.table} in the catalog's case. */
    default String table(String name) {
        String qualified = "app." + name;
        return appSchema().equals("APP") ? qualified.toUpperCase(java.util.Locale.ROOT) : qualified;
    }

    /** The job's root-row predicate, as its job file gives it (SQL of the target's dialect). */
    default String rootPredicate() {
        return JobFileReader.read(jobFile()).job().rootPredicate().orElseThrow();
    }

    /** {@code declutter <verb> -j <job file> <args>}, in-process. */
    default Cli.Result cli(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb, "-j", jobFile().toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /** Quotes an identifier the same way in both dialects (names are passed exactly as the catalog stores them). */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."table"} for a {@code schema.table} name whose parts contain no dot. */
    static String qualified(String schemaDotTable) {
        int dot = schemaDotTable.indexOf('.');
        return quote(schemaDotTable.substring(0, dot)) + "." + quote(schemaDotTable.substring(dot + 1));
    }
}
