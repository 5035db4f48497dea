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
        description = {"Audits a sample SaaS database and runs its policy's jobs end to end.",
            "Creates a throwaway database, loads the sample with its clutter, audits it, then for each job of the demo's"
            + " policy file (sql/demo/postgres/policy.yaml: the tenants closed more than 90 days ago, the events past"
            + " a year of retention, the notes whose document is gone, the users who signed up twice) plans, generates and deploys (Liquibase); runs the jobs one after another, shows"
            + " their status, verifies them, audits again, rolls each run back and compares per-table checksums."
            + " Finds PostgreSQL as the tests do ($DECLUTTER_TEST_JDBC_URL, localhost:5432, Docker, embedded) unless"
            + " --jdbc-url names a server. Exits 1 if any check fails."})
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

    /** The demo policy's jobs, in file order (docs/policy.md). */
    static final List<String> JOBS = List.of("tenant_purge", "events_retention", "notes_orphans", "users_dedup");

    /** The notes whose document does not exist: notes_orphans's root rows. */
    private static final String ORPHAN_NOTES = "SELECT count(*) FROM app.notes n WHERE NOT EXISTS"
            + " (SELECT 1 FROM app.documents d WHERE d.id = n.document_ref)";

    /** The retention of events_retention, as its predicate says. */
    private static final String PAST_RETENTION = "created_at < now() - interval '365 days'";

    private int demo(PostgresLocator.Server server, ScratchDatabase db) throws Exception {
        Path work = Files.createTempDirectory("declutter-demo");
        Path policyFile = writePolicyFile(work, server);
        Path generated = output != null ? output : work.resolve("generated");
        List<String> base = List.of("-j", policyFile.toString(), "--jdbc-url", db.url());
        List<String> problems = new ArrayList<>();
        List<String> tables;
        Map<String, Checksums.Sum> before;
        long events;
        long pastRetention;
        Map<Long, Long> notes;
        long orphans;
        Map<Long, Long> firstSignUps;
        long users;
        try (Connection c = db.connect()) {
            heading("Loading the sample SaaS database, with its clutter, into " + db.name());
            SqlScripts.run(c, Resources.text(DemoCommand.class, DEMO + "schema.sql"));
            SqlScripts.run(c, Resources.text(DemoCommand.class, DEMO + "data.sql"));
            SqlScripts.run(c, Resources.text(DemoCommand.class, DEMO + "clutter.sql"));
            tables = Checksums.tablesOf(c, "app");
            before = Checksums.of(c, tables);
            out.println(tables.size() + " tables, " + before.values().stream().mapToLong(Checksums.Sum::rows).sum() + " rows");
            events = count(c, "SELECT count(*) FROM app.events");
            pastRetention = count(c, "SELECT count(*) FROM app.events WHERE " + PAST_RETENTION);
            notes = pairs(c, "SELECT id, document_ref FROM app.notes");
            orphans = count(c, ORPHAN_NOTES);
            users = count(c, "SELECT count(*) FROM app.users");
            firstSignUps = pairs(c, "SELECT id, tenant_id FROM (SELECT id, tenant_id, row_number() OVER (PARTITION BY"
                    + " lower(email) ORDER BY created_at, id) AS n FROM app.users) u WHERE n = 1");
        }

        // --large-rows 1000: the sample is small, and its events table should get the retention job suggested
        step("Audit: where the clutter is", problems, 0, cmd("audit", base, "--large-rows", "1000"));
        for (String job : JOBS) {
            Path dir = generated.resolve(job);
            step("Plan job " + job, problems, 0, cmd("plan", base, "--job", job));
            step("Generate job " + job, problems, 0, cmd("generate", base, "--job", job, "-o", dir.toString()));
            step("Deploy job " + job + " (Liquibase)", problems, 0, cmd("deploy", base, "--job", job, "--dir",
                    dir.toString()));
        }
        step("Run every job of the policy, one after another", problems, 0, cmd("run", base, "--ignore-window"));
        step("Status of every job", problems, 0, cmd("status", base));
        for (String job : JOBS) {
            step("Verify job " + job, problems, 0, cmd("verify", base, "--job", job));
        }
        Map<String, Checksums.Sum> afterPurge;
        Map<String, Long> runs = new java.util.LinkedHashMap<>();
        try (Connection c = db.connect()) {
            afterPurge = Checksums.of(c, tables);
            checkRetention(c, events, pastRetention, problems);
            checkOrphans(c, notes, orphans, problems);
            checkDuplicates(c, users, firstSignUps, problems);
            for (String job : JOBS) {
                runs.put(job, count(c, "SELECT coalesce(max(run_id), 0) FROM declutter.run WHERE job = '" + job + "'"));
            }
        }
        step("Audit after the purges: what they freed, what VACUUM FULL would still give back", problems, 0,
                cmd("audit", base, "--large-rows", "1000"));
        for (String job : JOBS) {
            String run = String.valueOf(runs.get(job));
            step("Roll back job " + job, problems, 0, cmd("rollback", base, "--job", job, "--run", run));
            step("Verify the rollback of job " + job, problems, 0, cmd("verify", base, "--job", job, "--run", run));
        }
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

    /** events_retention purged exactly the events past retention and kept the others. */
    private void checkRetention(Connection c, long events, long pastRetention, List<String> problems) throws Exception {
        if (!problems.isEmpty()) {
            return;
        }
        long left = count(c, "SELECT count(*) FROM app.events");
        long stillPast = count(c, "SELECT count(*) FROM app.events WHERE " + PAST_RETENTION);
        heading("Check job events_retention: " + events + " events, " + pastRetention + " past retention before; "
                + left + " events, " + stillPast + " past retention after");
        if (pastRetention == 0) {
            problems.add("the sample has no events past retention");
        }
        if (stillPast != 0 || left != events - pastRetention) {
            problems.add("events_retention left " + left + " events (" + stillPast + " past retention); expected "
                    + (events - pastRetention) + " (none past retention)");
        }
    }

    /**
     * notes_orphans left exactly the notes whose document still exists: it runs after tenant_purge, so the notes on
     * the purged tenants' documents (which tenant_purge leaves, as nothing references them) are orphans by then too.
     */
    private void checkOrphans(Connection c, Map<Long, Long> notes, long orphans, List<String> problems)
            throws Exception {
        if (!problems.isEmpty()) {
            return;
        }
        java.util.Set<Long> documents = pairs(c, "SELECT id, id FROM app.documents").keySet();
        java.util.Set<Long> left = pairs(c, "SELECT id, document_ref FROM app.notes").keySet();
        java.util.Set<Long> expected = new java.util.TreeSet<>();
        notes.forEach((id, document) -> {
            if (documents.contains(document)) {
                expected.add(id);
            }
        });
        long stillOrphans = count(c, ORPHAN_NOTES);
        heading("Check job notes_orphans: " + notes.size() + " notes, " + orphans + " orphans before; " + left.size()
                + " notes, " + stillOrphans + " orphans after (" + (notes.size() - orphans - expected.size())
                + " notes were on the documents tenant_purge purged)");
        if (orphans == 0) {
            problems.add("the sample has no orphan notes");
        }
        if (stillOrphans != 0 || !left.equals(expected)) {
            problems.add("notes_orphans left " + left.size() + " notes; expected exactly the " + expected.size()
                    + " whose document still exists");
        }
    }

    /**
     * users_dedup left exactly the first sign-up of each lower(email) (the oldest, by created_at), except in the
     * tenants tenant_purge purged (their users went with them).
     */
    private void checkDuplicates(Connection c, long users, Map<Long, Long> firstSignUps, List<String> problems)
            throws Exception {
        if (!problems.isEmpty()) {
            return;
        }
        java.util.Set<Long> tenants = pairs(c, "SELECT id, id FROM app.tenants").keySet();
        java.util.Set<Long> left = pairs(c, "SELECT id, tenant_id FROM app.users").keySet();
        java.util.Set<Long> expected = new java.util.TreeSet<>();
        firstSignUps.forEach((id, tenant) -> {
            if (tenants.contains(tenant)) {
                expected.add(id);
            }
        });
        long emails = count(c, "SELECT count(DISTINCT lower(email)) FROM app.users");
        heading("Check job users_dedup: " + users + " users, " + firstSignUps.size() + " e-mails before; "
                + left.size() + " users, " + emails + " e-mails after");
        if (!left.equals(expected) || emails != left.size()) {
            problems.add("users_dedup left " + left.size() + " users; expected exactly the " + expected.size()
                    + " first sign-ups of the tenants kept, one per e-mail");
        }
    }

    /** The first two columns of a query's rows, as a map. */
    private static Map<Long, Long> pairs(Connection c, String sql) throws Exception {
        Map<Long, Long> m = new java.util.TreeMap<>();
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                m.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return m;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
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

    /** The demo's policy file with a shared database section for the server's credentials (the URL is given). */
    private Path writePolicyFile(Path work, PostgresLocator.Server server) throws Exception {
        String yaml = Resources.text(DemoCommand.class, DEMO + "policy.yaml");
        StringBuilder db = new StringBuilder("\ndatabase:\n");
        server.user().ifPresent(u -> db.append("  user: ").append(u).append("\n"));
        Optional<String> password = server.password();
        if (password.isPresent()) {
            Path pw = work.resolve("password");
            Files.writeString(pw, password.get());
            db.append("  passwordFile: ").append(pw).append("\n");
        }
        Path file = work.resolve("policy.yaml");
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
