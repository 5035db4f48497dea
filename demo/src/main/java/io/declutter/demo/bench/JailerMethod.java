package io.declutter.demo.bench;

import io.declutter.model.ForeignKey;
import io.declutter.model.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Jailer (https://github.com/Wisser/Jailer), the database subsetting tool, purging the same closure with its own
 * delete script. Jailer is not a dependency of declutter: {@code bench --jailer DIR} names an installation (Jailer's
 * release zip: {@code jailer.jar} and {@code lib/}) and Jailer's command line runs as a subprocess
 * (docs/benchmark.md#jailer).
 *
 * <p>Untimed ({@link #prepare}): {@code jailer build-model} reads the copy's schema into Jailer's data model; the
 * extraction model takes {@code saas.tenants} where {@code status = 'closed'} as its subject and restricts
 * ({@code ignore}) every association but the parent-to-child direction of the foreign keys the purge follows: every
 * child-to-parent direction (Jailer follows those by default, so that an extract is complete: here they would pull
 * in global tables), and the parent-to-child direction of ON DELETE SET NULL keys (their rows stay, the database
 * resets the column) and of keys from tables the purge does not reach. Timed ({@link #run}): {@code jailer delete}
 * (collects the rows into its working tables, in Jailer's local H2 database ({@code -scope LOCAL_DATABASE}: in
 * PostgreSQL they would be planned with stale statistics, docs/benchmark.md#jailer), and writes the delete script;
 * Jailer's delete script removes the collected rows that no row outside them references through an association that
 * is not restricted), then {@code jailer import -transactional} runs the script in one transaction.
 */
final class JailerMethod implements PurgeMethod {

    private static final Logger LOG = LoggerFactory.getLogger(JailerMethod.class);
    static final String MAIN_CLASS = "net.sf.jailer.Jailer";

    private final Path install;
    private Path dir;
    private String password;
    private String version;
    private long startupMillis;

    JailerMethod(Path install) {
        this.install = check(install);
    }

    /** The installation directory, checked: it holds {@code jailer.jar} and {@code lib/}. */
    static Path check(Path install) {
        Path dir = install.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("jailer.jar")) || !Files.isDirectory(dir.resolve("lib"))) {
            throw new IllegalArgumentException(dir + " is not a Jailer installation: it must hold jailer.jar and lib/"
                    + " (Jailer's release zip, docs/benchmark.md#jailer)");
        }
        return dir;
    }

    @Override
    public String title() {
        return "Jailer";
    }

    @Override
    public String description() {
        return "Jailer " + (version == null ? version() : version) + " (`" + install + "`): `jailer build-model` and an"
                + " extraction model (subject `saas.tenants` where `" + Purge.PREDICATE + "`; every child-to-parent"
                + " association restricted, and the parent-to-child direction of the keys the purge does not follow:"
                + " ON DELETE SET NULL ones and those of tables outside the closure) prepared untimed; the time is"
                + " `jailer delete -scope LOCAL_DATABASE` (rows collected into working tables in Jailer's local H2"
                + " database, delete script written) plus"
                + " `jailer import -transactional` running that script in one transaction, two JVMs started";
    }

    @Override
    public String prepare(BenchDatabase db, Purge purge) throws Exception {
        dir = Files.createDirectories(purge.work().resolve("jailer-" + db.name()));
        password = db.server().password().orElse(null);
        long v0 = System.nanoTime();
        version = version(); // a bare JVM start of Jailer's, for the report: two of them are inside the timed run
        startupMillis = (System.nanoTime() - v0) / 1_000_000;
        // the data model folder is not named "datamodel", Jailer's default: given that name, Jailer looks for the
        // folder's name in the extraction model instead
        jailer(db, "build-model.log", List.of("build-model", "-schema", SyntheticSchema.SCHEMA, "-qualifyNames",
                "-datamodel", "model"), List.of());
        List<Association> associations = Association.read(dir.resolve("model/association.csv"));
        Closure closure;
        try (Connection c = db.connect()) {
            closure = new Closure(Closure.read(c), FloorMethod.tableName(Purge.ROOT));
        }
        Set<ForeignKey> followed = closure.incoming.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        List<String> restrictions = new ArrayList<>();
        int down = 0;
        for (Association a : associations) {
            ForeignKey fk = a.match(closure.catalog.foreignKeys());
            restrictions.add(a.name() + "; ; ignore");
            if (followed.contains(fk)) {
                down++;
            } else {
                restrictions.add("inverse-" + a.name() + "; ; ignore");
            }
        }
        if (down != followed.size()) {
            throw new IllegalStateException("Jailer's data model has " + down + " of the " + followed.size()
                    + " foreign keys the purge follows (" + dir.resolve("model") + ")");
        }
        Files.write(dir.resolve("purge.jm"), Stream.concat(Stream.of(
                "# subject; condition",
                Purge.ROOT + "; " + Purge.PREDICATE.replace("status", "T.status"),
                "",
                "# association; ; restriction-condition"), restrictions.stream()).toList());
        return String.format(Locale.ROOT, "Jailer data model: %d associations; the extraction model follows %d of"
                + " them parent to child and restricts the other %d directions", associations.size(), down,
                2 * associations.size() - down);
    }

    @Override
    public Outcome run(BenchDatabase db, Purge purge) throws Exception {
        long t0 = System.nanoTime();
        // working tables in Jailer's local database (H2, in its working directory): with them in PostgreSQL
        // (SESSION_LOCAL, or GLOBAL without autovacuum), the delete's statements on the copied entity graph are
        // planned with statistics that do not know it, and at scale 1 one of them ran for minutes
        // (docs/benchmark.md#jailer)
        jailer(db, "delete.log", List.of("delete", "purge.jm"), List.of("-datamodel", "model", "-d", "delete.sql",
                "-scope", "LOCAL_DATABASE", "-local-database-storage", "localdb"));
        long t1 = System.nanoTime();
        jailer(db, "import.log", List.of("import", "delete.sql"), List.of("-transactional"));
        long t2 = System.nanoTime();
        long statements;
        try (Stream<String> lines = Files.lines(dir.resolve("delete.sql"))) {
            statements = lines.filter(l -> l.regionMatches(true, 0, "delete ", 0, 7)).count();
        }
        String note = String.format(Locale.ROOT, "`jailer delete` %.1f s (collect, write a %s script of %,d DELETEs),"
                        + " `jailer import` %.1f s; a bare `jailer -version` (JVM start) took %.1f s", (t1 - t0) / 1e9,
                Benchmark.bytes(Files.size(dir.resolve("delete.sql"))), statements, (t2 - t1) / 1e9,
                startupMillis / 1000.0);
        LOG.info("Jailer: {}", note);
        // the script runs in one transaction (-transactional): the longest transaction is the import
        return new Outcome(true, -1, Duration.ofNanos(t2 - t1), 0, note);
    }

    /** Jailer's version, as {@code jailer -version} prints it. */
    String version() {
        try {
            Process p = new ProcessBuilder(command(List.of("-version"))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines().filter(l -> l.startsWith("Jailer ")).map(l -> l.substring(7).trim()).findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Runs one Jailer command on the copy, in the working directory; its output goes to {@code log}. */
    private void jailer(BenchDatabase db, String log, List<String> head, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(head);
        args.addAll(List.of("org.postgresql.Driver", db.url(), db.server().user().orElse("postgres")));
        if (password == null) {
            args.add("");
        } else {
            // the password is read from a file: command lines are visible to every user of the machine
            Path file = dir.resolve("password");
            if (!Files.exists(file)) {
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, password);
            }
            args.addAll(List.of("-file-lookup", file.toString()));
        }
        args.addAll(List.of("-jdbcjar", jdbcJar().toString()));
        args.addAll(options);
        Path out = dir.resolve(log);
        Process p = new ProcessBuilder(command(args)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        int rc = p.waitFor();
        if (rc != 0 || (head.get(0).equals("delete") && !Files.exists(dir.resolve("delete.sql")))) {
            List<String> lines = Files.readAllLines(out);
            // the report names the log relative to Jailer's working directory (a temporary directory, gone after
            // the run); the console gets the full path
            LOG.warn("jailer {} failed: its output is {}", head.get(0), out);
            throw new IllegalStateException("jailer " + head.get(0) + " failed (exit " + rc + "; its output: " + log
                    + " in Jailer's working directory): "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
    }

    private List<String> command(List<String> args) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = String.join(File.pathSeparator, install.resolve("jailer.jar").toString(),
                install.resolve("lib") + File.separator + "*", install.resolve("config").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp", cp, MAIN_CLASS));
        cmd.addAll(args);
        return cmd;
    }

    /** PostgreSQL's JDBC driver: the newest in Jailer's lib/, else the one declutter runs with. */
    private Path jdbcJar() throws Exception {
        try (Stream<Path> jars = Files.list(install.resolve("lib"))) {
            Optional<Path> own = jars.filter(j -> j.getFileName().toString().matches("postgresql-[0-9.]+\\.jar"))
                    .max(Comparator.comparing(j -> versionKey(j.getFileName().toString())));
            if (own.isPresent()) {
                return own.get();
            }
        }
        return Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String versionKey(String jar) {
        return Stream.of(jar.replaceAll("[^0-9.]", "").split("\\.")).filter(s -> !s.isEmpty())
                .map(s -> String.format(Locale.ROOT, "%06d", Long.parseLong(s))).collect(Collectors.joining("."));
    }

    /** One line of Jailer's {@code association.csv}: table A references table B on the join condition. */
    record Association(String a, String b, String join, String name) {

        static List<Association> read(Path csv) throws IOException {
            List<Association> list = new ArrayList<>();
            for (String line : Files.readAllLines(csv)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                list.add(new Association(f[0].trim(), f[1].trim(), f[4].trim(), f[5].trim()));
            }
            return list;
        }

        /** The foreign key this association stands for (same tables, same column pairs). */
        ForeignKey match(List<ForeignKey> fks) {
            Set<String> pairs = new HashSet<>();
            for (String part : join.split("(?i)\\s+and\\s+")) {
                String[] eq = part.split("=");
                pairs.add(unquote(eq[0].trim().substring(2)) + "=" + unquote(eq[1].trim().substring(2)));
            }
            return fks.stream().filter(fk -> name(fk.child()).equals(a) && name(fk.parent()).equals(b))
                    .filter(fk -> {
                        Set<String> p = new HashSet<>();
                        for (int i = 0; i < fk.childColumns().size(); i++) {
                            p.add(fk.childColumns().get(i) + "=" + fk.parentColumns().get(i));
                        }
                        return p.equals(pairs);
                    }).findFirst().orElseThrow(() -> new IllegalStateException("Jailer's association " + this
                            + " matches no foreign key of the schema"));
        }

        private static String name(TableName t) {
            return t.schema() + "." + t.name();
        }

        private static String unquote(String s) {
            return s.startsWith("\"") ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
        }
    }
}
