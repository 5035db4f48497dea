package io.declutter.demo;

import io.declutter.dialect.Resources;
import io.declutter.runner.ExitCodes;
import io.declutter.runner.cli.DeclutterCommand;
import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import io.declutter.runner.purge.Checksums;
import io.declutter.runner.purge.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the main job end to end on a sample multi-tenant SaaS database.",
            "Creates a throwaway database, loads the sample, plans, generates, deploys (Liquibase), purges the tenants"
            + " closed more than 90 days ago, verifies, rolls the run back and compares per-table checksums. Finds"
            + " PostgreSQL as the tests do ($DECLUTTER_TEST_JDBC_URL, localhost:5432, Docker, embedded) unless --jdbc-url"
            + " names a server. Exits 1 if any check fails."})
final class DemoCommand implements Callable<Integer> {

    private static final String DEMO = "/sql/demo/postgres/";

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "a PostgreSQL database the user may CREATE DATABASE from (credentials in the URL or PGUSER/PGPASSWORD)")
    String jdbcUrl;

    @Option(names = "--keep", description = "keep the demo database (and print its URL) instead of dropping it")
    boolean keep;

    @Option(names = "--output", paramLabel = "DIR", description = "where to write the generated SQL (default: a temporary directory)")
    Path output;

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        try (PostgresLocator.Server server = LocalServer.locate(jdbcUrl)) {
            heading("Using " + server.how());
            ScratchDatabase db = ScratchDatabase.create(server, "declutter_demo");
            try {
                return demo(server, db);
            } finally {
                if (keep) {
                    out.println("\nKept the demo database: " + db.url());
                } else {
                    db.close();
                }
            }
        }
    }

    private int demo(PostgresLocator.Server server, ScratchDatabase db) throws Exception {
        Path work = Files.createTempDirectory("declutter-demo");
        Path jobFile = writeJobFile(work, server);
        Path generated = output != null ? output : work.resolve("generated");
        List<String> base = List.of("-j", jobFile.toString(), "--jdbc-url", db.url());
        List<String> problems = new ArrayList<>();
        List<String> tables;
        Map<String, Checksums.Sum> before;
        try (Connection c = db.connect()) {
            heading("Loading the sample SaaS database into " + db.name());
            SqlScripts.run(c, Resources.text(DemoCommand.class, DEMO + "schema.sql"));
            SqlScripts.run(c, Resources.text(DemoCommand.class, DEMO + "data.sql"));
            tables = Checksums.tablesOf(c, "app");
            before = Checksums.of(c, tables);
            out.println(tables.size() + " tables, " + before.values().stream().mapToLong(Checksums.Sum::rows).sum() + " rows");
        }

        step("Plan", problems, 0, cmd("plan", base));
        step("Generate", problems, 0, cmd("generate", base, "-o", generated.toString()));
        step("Deploy (Liquibase)", problems, 0, cmd("deploy", base, "--dir", generated.toString()));
        step("Run: purge tenants closed more than 90 days ago", problems, 0, cmd("run", base, "--ignore-window"));
        step("Status", problems, 0, cmd("status", base));
        step("Verify the purge", problems, 0, cmd("verify", base));
        Map<String, Checksums.Sum> afterPurge;
        try (Connection c = db.connect()) {
            afterPurge = Checksums.of(c, tables);
        }
        step("Roll back the run", problems, 0, cmd("rollback", base, "--run", "1"));
        step("Verify the rollback", problems, 0, cmd("verify", base, "--run", "1"));
        Map<String, Checksums.Sum> afterRollback;
        try (Connection c = db.connect()) {
            afterRollback = Checksums.of(c, tables);
        }
        compare(tables, before, afterPurge, afterRollback, problems);

        heading(problems.isEmpty() ? "Demo passed" : "Demo FAILED");
        problems.forEach(p -> out.println("  - " + p));
        out.println("Generated SQL: " + generated);
        out.flush();
        return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void compare(List<String> tables, Map<String, Checksums.Sum> before, Map<String, Checksums.Sum> afterPurge,
                         Map<String, Checksums.Sum> afterRollback, List<String> problems) {
        heading("Per-table checksums (rows, md5 of sorted row md5s)");
        List<List<String>> rows = new ArrayList<>();
        for (String t : tables) {
            boolean same = before.get(t).equals(afterRollback.get(t));
            rows.add(List.of(t, before.get(t).toString(), afterPurge.get(t).toString(), afterRollback.get(t).toString(),
                    same ? "equal" : "DIFFERENT"));
            if (!same) {
                problems.add(t + ": content after rollback differs from the original");
            }
        }
        out.print(TextTable.render(
                List.of("table", "before", "after purge", "after rollback", "rollback vs before"), rows));
        if (before.equals(afterPurge)) {
            problems.add("the purge changed nothing");
        }
    }

    private Path writeJobFile(Path work, PostgresLocator.Server server) throws Exception {
        String yaml = Resources.text(DemoCommand.class, DEMO + "tenant_purge.yaml");
        StringBuilder db = new StringBuilder("\ndatabase:\n");
        server.user().ifPresent(u -> db.append("  user: ").append(u).append("\n"));
        Optional<String> password = server.password();
        if (password.isPresent()) {
            Path pw = work.resolve("password");
            Files.writeString(pw, password.get());
            db.append("  passwordFile: ").append(pw).append("\n");
        }
        Path file = work.resolve("tenant_purge.yaml");
        Files.writeString(file, yaml + db);
        return file;
    }

    private static String[] cmd(String verb, List<String> base, String... more) {
        List<String> args = new ArrayList<>();
        args.add(verb);
        args.addAll(base);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private void step(String title, List<String> problems, int expected, String[] args) {
        if (!problems.isEmpty()) {
            return; // a failed step makes the later ones meaningless
        }
        heading(title + ":  declutter " + String.join(" ", args).replaceAll("jdbc:\\S+", "<demo db>"));
        int code = DeclutterCommand.commandLine().setOut(out).setErr(spec.commandLine().getErr()).execute(args);
        if (code != expected) {
            problems.add("'declutter " + args[0] + "' exited " + code + " (expected " + expected + ")");
        }
    }

    private void heading(String text) {
        out.println();
        out.println("== " + text);
        out.flush();
    }
}
