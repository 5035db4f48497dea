package io.declutter.runner.oracle;

import io.declutter.config.JobFile;
import io.declutter.config.JobFileReader;
import io.declutter.dialect.oracle.OracleDialect;
import io.declutter.introspect.RecordedCatalog;
import io.declutter.model.Catalog;
import io.declutter.model.PurgePlan;
import io.declutter.dialect.GeneratedFile;
import io.declutter.runner.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code declutter generate --dialect oracle} and {@code new Generator(oracle)} give the same files, byte for byte,
 * for the same job: the scheduler job's window (a job-file setting, not part of the plan) went into the CLI's
 * {@code scheduler.sql} only, while the library always wrote the default window.
 */
class OracleGenerateSameAsLibraryTest {

    private static final Path CATALOG = Path.of("../sql/demo/oracle/catalog");

    @Test
    void cliAndLibraryWriteTheSameSchedulerAndFiles(@TempDir Path dir) throws Exception {
        Path jobFile = dir.resolve("tenant_purge.yaml");
        Files.writeString(jobFile, """
                job: tenant_purge
                root:
                  table: app.tenants
                  where: "status = 'closed'"
                window:
                  start: "01:30"
                  end: "04:00"
                  maxDuration: 90min
                """);
        Path out = dir.resolve("generated");
        Cli.Result r = Cli.run("generate", "-j", jobFile.toString(), "--dialect", "oracle",
                "--catalog", CATALOG.toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();

        OracleDialect oracle = OracleDialect.latest();
        JobFile job = JobFileReader.read(jobFile);
        Catalog catalog = RecordedCatalog.read(CATALOG, oracle);
        PurgePlan plan = oracle.plan(catalog, job.job());
        List<GeneratedFile> library = oracle.generate(plan, job.window());

        GeneratedFile scheduler = library.stream().filter(f -> f.path().equals("tenant_purge/scheduler.sql"))
                .findFirst().orElseThrow();
        assertThat(scheduler.content()).contains("01:30");
        assertThat(Files.readString(out.resolve(scheduler.path()))).isEqualTo(scheduler.content());
        for (GeneratedFile f : library) {
            assertThat(Files.readString(out.resolve(f.path()))).as(f.path()).isEqualTo(f.content());
        }
    }
}
