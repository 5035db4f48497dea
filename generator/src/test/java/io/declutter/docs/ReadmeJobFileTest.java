package io.declutter.docs;

import io.declutter.config.JobFile;
import io.declutter.config.JobFileReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The job file the README shows is one the reader accepts, with the settings its comments describe. */
class ReadmeJobFileTest {

    @Test
    void theReadmeJobFileIsValid() throws IOException {
        Path readme = Path.of("").toAbsolutePath();
        while (!Files.exists(readme.resolve("README.md"))) {
            readme = readme.getParent();
        }
        String text = Files.readString(readme.resolve("README.md"));
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("a yaml block in README.md").isTrue();

        JobFile file = JobFileReader.parse("README.md", m.group(1));

        assertThat(file.job().name()).isEqualTo("tenant_purge");
        assertThat(file.job().root().display()).isEqualTo("app.tenants");
        assertThat(file.job().rootPredicate()).isPresent();
        assertThat(file.job().batchSize()).isEqualTo(5000);
        assertThat(file.job().backup()).isTrue();
        assertThat(file.job().excludedTables()).hasSize(1);
        assertThat(file.job().references()).singleElement()
                .satisfies(r -> assertThat(r.display()).isEqualTo("app.notes(document_ref) -> app.documents"));
        assertThat(file.job().lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(file.job().statementTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(file.window().maxDuration()).contains(Duration.ofHours(6));
        assertThat(file.database().url()).isPresent();
        assertThat(file.database().passwordEnv()).contains("DECLUTTER_PASSWORD");
        assertThat(file.throttle().maxReplicaLag()).contains(Duration.ofSeconds(10));
        assertThat(file.throttle().maxTransactionAge()).contains(Duration.ofMinutes(5));
        assertThat(file.throttle().targetBatchTime()).contains(Duration.ofSeconds(2));
        assertThat(file.startWhen().rootRows()).hasValue(10000);
    }
}
