package io.declutter.runner.serve;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The status page of {@code declutter serve} (docs/serve.md#status-page): static HTML, JavaScript and CSS from the
 * class path ({@code io/declutter/runner/serve/page/}), served at {@code /} and {@code /page/<file>} to anyone; the
 * page asks for a token and calls the API with it, so serving it reveals nothing. Nothing is fetched from elsewhere,
 * and a Content-Security-Policy says so to the browser.
 */
public final class StatusPage {

    /** The page's files and their content types; nothing else under {@code /page/} is served. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "status.js", "text/javascript; charset=utf-8",
            "status.css", "text/css; charset=utf-8");

    /** Only the service's own scripts, styles and API; no framing, no inline script. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private StatusPage() {
    }

    /** The file's bytes, or empty when the page has no such file. */
    static Optional<byte[]> file(String name) {
        if (!FILES.containsKey(name)) {
            return Optional.empty();
        }
        try (InputStream in = StatusPage.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("page/" + name + " is missing from the class path: a broken build");
            }
            return Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /}: the page. */
    public static void index(Context ctx) {
        send(ctx, "index.html");
    }

    /** {@code GET /page/{file}}: its script and style sheet. */
    public static void file(Context ctx) {
        send(ctx, ctx.pathParam("file"));
    }

    private static void send(Context ctx, String name) {
        byte[] body = file(name).orElseThrow(() -> new ApiError(ApiError.Kind.NOT_FOUND, "the status page has no file "
                + name + "; it is served at /"));
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .contentType(FILES.get(name))
                .result(body);
    }
}
