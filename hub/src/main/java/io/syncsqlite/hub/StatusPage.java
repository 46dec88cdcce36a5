package io.syncsqlite.hub;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the hub's status page, one static HTML file with a little JavaScript that reads {@code /v1/status}
 * (no build step). The page holds no data itself, so it is served to everyone; the data endpoint decides who sees what.
 */
final class StatusPage {
    private static final byte[] HTML = load();

    private StatusPage() {
    }

    static void serve(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
        Exchanges.send(ex, 200, "text/html; charset=utf-8", HTML);
    }

    private static byte[] load() {
        try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
            if (in == null) throw new IllegalStateException("status.html is missing from the hub jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
