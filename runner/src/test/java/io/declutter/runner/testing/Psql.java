package io.declutter.runner.testing;

import io.declutter.localdb.PostgresLocator;
import io.declutter.localdb.ScratchDatabase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The psql client, as a DBA runs it on generated scripts. */
public final class Psql {

    private Psql() {
    }

    /** Whether {@code psql} is installed (on the PATH). */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("psql", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code psql -X -q -v ON_ERROR_STOP=1 -f script} on the database and asserts it succeeded without errors. */
    public static void runScript(ScratchDatabase db, Path script) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]+).*").matcher(db.url());
        assertThat(m.matches()).as("a PostgreSQL JDBC URL: %s", db.url()).isTrue();
        PostgresLocator.Server server = db.server();
        List<String> command = new ArrayList<>(Arrays.asList("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", m.group(1), "-p", m.group(2) == null ? "5432" : m.group(2), "-d", m.group(3),
                "-f", script.toString()));
        server.user().ifPresent(u -> command.addAll(List.of("-U", u)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        server.password().ifPresent(p -> pb.environment().put("PGPASSWORD", p));
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("psql finished").isTrue();
        assertThat(p.exitValue()).as("psql -f %s exit code; output:\n%s", script, output).isZero();
        assertThat(output).as("psql output").doesNotContain("ERROR");
    }
}
