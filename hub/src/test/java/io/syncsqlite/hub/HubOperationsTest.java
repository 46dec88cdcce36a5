package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees of a real hub: health per endpoint and store, Prometheus metrics, an access log without tokens. */
class HubOperationsTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "very-secret-token-a";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void healthNamesEachEndpointAndTheStoreMetricsCountAndTheAccessLogNeverShowsTheToken() throws Exception {
        List<String> access = new CopyOnWriteArrayList<>();
        Logger accessLogger = Logger.getLogger("io.syncsqlite.hub.access");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                access.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        accessLogger.addHandler(capture);
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), new Tokens().grant(TOKEN, "a"))
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)))) {
            String body = "{\"v\":1,\"site\":\"" + SITE + "\",\"changes\":[{\"t\":\"item\",\"pk\":[1],\"c\":\"title\",\"val\":\"v\",\"hlc\":100,\"site\":\""
                    + SITE + "\",\"cl\":1}]}";
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/push")).header("Authorization", "Bearer " + TOKEN)
                    .header("Sync-Batch", "1.0").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, pushed.statusCode(), pushed.body());
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/pull")).header("Authorization", "Bearer wrong-token")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"endpoints\":{\"http\":\"serving\",\"ws\":\"serving\"}"), health.body());
            assertTrue(health.body().contains("\"store\":{\"kind\":\"sqlite\",\"status\":\"ok\",\"reachable\":true,\"lastSequence\":1,"), health.body());

            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(hub.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String text = metrics.body();
            for (String line : List.of("# TYPE syncsqlite_hub_pushes_total counter", "syncsqlite_hub_pushes_total 1", "syncsqlite_hub_changes_stored_total 1",
                    "syncsqlite_hub_refusals_total{reason=\"http_401\"} 1", "# TYPE syncsqlite_hub_store_bytes gauge", "syncsqlite_hub_ws_subscribers 0",
                    "syncsqlite_hub_ws_endpoint_serving 1", "syncsqlite_hub_slow_subscriber_disconnects_total 0",
                    "# TYPE syncsqlite_hub_store_info gauge", "syncsqlite_hub_store_info{kind=\"sqlite\"} 1", "syncsqlite_hub_store_reachable 1")) {
                assertTrue(text.contains(line + "\n") || text.contains(line + " "), "metrics hold '" + line + "':\n" + text);
            }
            assertTrue(hub.metrics().snapshot().get("bytes_in_total") >= body.length());
        } finally {
            accessLogger.removeHandler(capture);
        }
        assertTrue(access.stream().anyMatch(l -> l.contains("remote=127.0.0.1 POST /v1/push status=200")), String.join("\n", access));
        assertTrue(access.stream().anyMatch(l -> l.contains("GET /v1/pull status=401")), String.join("\n", access));
        assertFalse(access.stream().anyMatch(l -> l.contains(TOKEN) || l.contains("wrong-token")), "no token in the access log");
    }
}
