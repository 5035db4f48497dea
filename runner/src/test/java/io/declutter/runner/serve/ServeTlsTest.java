package io.declutter.runner.serve;

import io.declutter.config.JobFileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With a key store, the API is served over HTTPS only (docs/serve.md#tls): a client trusting the server's
 * certificate (self-signed, made here with the JDK's keytool) is answered; a plain-HTTP client is not.
 */
class ServeTlsTest {

    private static final String PASSWORD = "test-only-password";

    @TempDir
    Path dir;

    @Test
    void httpsWithASelfSignedCertificate() throws Exception {
        Path keyStore = dir.resolve("serve.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", "serve", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(said).isZero();

        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, """
                job: tenant_purge
                root: {table: app.tenants, where: "true"}
                database: {url: "jdbc:postgresql://127.0.0.1:1/none"}
                """);
        Path tokens = dir.resolve("tokens");
        String token = Tokens.add(tokens, "ci", Role.OPERATOR);
        try (JobService service = new JobService(JobFileReader.readPolicy(file), file, s -> s)) {
            HttpApi http = new HttpApi(service, Tokens.read(tokens)).start(new HttpApi.Listen("127.0.0.1", 0,
                    Optional.of(new HttpApi.Tls(keyStore, PASSWORD))));
            try {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keyStore)) {
                    trusted.load(in, PASSWORD.toCharArray());
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, tmf.getTrustManagers(), null);
                Api https = new Api(HttpClient.newBuilder().sslContext(ssl).build(), "https://localhost:" + http.port());
                Api.Answer me = https.get("/api/v1/whoami", token);
                assertThat(me.status()).as(me.toString()).isEqualTo(200);
                assertThat(me.body().get("name").asText()).isEqualTo("ci");
                assertThat(https.get("/api/v1/whoami", null).status()).isEqualTo(401);
                assertThat(https.get("/health/live", null).status()).isEqualTo(200);

                // Plain HTTP on the same port gets no answer of the API; a client not trusting the certificate none.
                Api plain = new Api("http://localhost:" + http.port());
                Api.Answer refused = null;
                try {
                    refused = plain.get("/api/v1/whoami", token);
                } catch (java.io.IOException expected) {
                    // Jetty closes the connection: no API answer
                }
                if (refused != null) {
                    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
                }
                Api untrusting = new Api("https://localhost:" + http.port());
                assertThatThrownBy(() -> untrusting.get("/health/live", null))
                        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            } finally {
                http.stop();
            }
        }
    }
}
