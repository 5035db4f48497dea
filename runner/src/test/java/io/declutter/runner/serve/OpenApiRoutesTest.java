package io.declutter.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.declutter.config.JobFileReader;
import io.declutter.config.PolicyFile;
import io.javalin.router.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * openapi.json (a checked-in resource, served at /openapi.json) describes exactly the routes the server has: every
 * route is in it with the role it needs, and it describes no route the server lacks.
 */
class OpenApiRoutesTest {

    @TempDir
    Path dir;

    @Test
    void theDescriptionAndTheRoutesAgree() throws Exception {
        Path file = dir.resolve("policy.yaml");
        // No database is needed to list the routes: this one is never reached.
        Files.writeString(file, """
                jobs:
                  - job: tenant_purge
                    root: {table: app.tenants, where: "true"}
                database: {url: "jdbc:postgresql://127.0.0.1:1/none"}
                """);
        PolicyFile policy = JobFileReader.readPolicy(file);
        Path tokens = dir.resolve("tokens");
        Tokens.add(tokens, "v", Role.VIEWER);
        Map<String, String> served = new TreeMap<>();
        try (JobService service = new JobService(policy, file, s -> s)) {
            HttpApi api = new HttpApi(service, Tokens.read(tokens)).start(new HttpApi.Listen("127.0.0.1", 0,
                    Optional.empty()));
            try {
                for (var parsed : api.app().unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
                    Endpoint e = parsed.getEndpoint();
                    if (!e.getMethod().isHttpMethod()) {
                        continue;
                    }
                    Role role = e.getRoles().stream().filter(Role.class::isInstance).map(Role.class::cast)
                            .findFirst().orElseThrow(() -> new AssertionError(e.getPath() + " has no role"));
                    served.put(e.getMethod().name().toLowerCase() + " " + e.getPath(), role.text());
                }
            } finally {
                api.stop();
            }
        }
        JsonNode doc;
        try (InputStream in = HttpApi.class.getResourceAsStream(HttpApi.OPENAPI)) {
            doc = new ObjectMapper().readTree(in);
        }
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        Map<String, String> described = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                described.put(op.getKey() + " " + path.getKey(), op.getValue().get("x-declutter-role").asText());
                boolean open = "none".equals(op.getValue().get("x-declutter-role").asText());
                assertThat(op.getValue().get("security").isEmpty()).as(op.getKey() + " " + path.getKey())
                        .isEqualTo(open);
            }
        }
        assertThat(served).hasSizeGreaterThan(10);
        assertThat(described).isEqualTo(served);
    }
}
