package io.declutter.runner.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client of the API over a real port (java.net.http), as the tests call it. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: HTTP status and the JSON body. */
    record Answer(int status, JsonNode body, String text) {
        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    private final HttpClient client;
    private final String base;

    Api(String base) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base);
    }

    Api(HttpClient client, String base) {
        this.client = client;
        this.base = base;
    }

    Answer get(String path, String token) throws Exception {
        return send("GET", path, token, null);
    }

    Answer post(String path, String token) throws Exception {
        return send("POST", path, token, null);
    }

    Answer send(String method, String path, String token, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        if (r.body() != null && !r.body().isBlank() && (r.body().startsWith("{") || r.body().startsWith("["))) {
            body = JSON.readTree(r.body());
        }
        return new Answer(r.statusCode(), body, r.body());
    }
}
