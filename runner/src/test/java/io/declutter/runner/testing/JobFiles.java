package io.declutter.runner.testing;

import io.declutter.dialect.Resources;
import io.declutter.localdb.PostgresLocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Job files for tests: the demo's job, or any YAML, pointed at a test database. */
public final class JobFiles {

    private JobFiles() {
    }

    /** The demo job ({@code tenant_purge} on {@code app.tenants}) with the given database URL. */
    public static Path demoJob(Path dir, String url) throws IOException {
        // The demo-based suites test resume, crashes and timeouts of the run itself: without the rehearsal before it
        // (RehearsalTest covers the rehearsal, and the demo's own rehearsal through plan --rehearse).
        return write(dir, "tenant_purge.yaml", Resources.text(JobFiles.class, "/sql/demo/postgres/tenant_purge.yaml")
                + "\nrehearse: false\n", url);
    }

    /** Writes {@code yaml} plus a {@code database} section for {@code url} (and the server's credentials). */
    public static Path write(Path dir, String name, String yaml, String url) throws IOException {
        PostgresLocator.Server server = TestDatabase.server();
        StringBuilder db = new StringBuilder("\ndatabase:\n  url: ").append(url).append("\n");
        server.user().ifPresent(u -> db.append("  user: ").append(u).append("\n"));
        if (server.password().isPresent()) {
            Path pw = dir.resolve(name + ".password");
            Files.writeString(pw, server.password().get());
            db.append("  passwordFile: ").append(pw).append("\n");
        }
        Path file = dir.resolve(name);
        Files.writeString(file, yaml + db);
        return file;
    }
}
