package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw HTTP against a real hub: every refusal has the right status and stores nothing. */
class HubSecurityTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "secret-token-a";

    @TempDir
    Path dir;
    private HubServer hub;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        Tokens tokens = new Tokens().grant(TOKEN, "a").grant("secret-token-b", "b");
        hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), tokens).withLimits(4096, 3));
    }

    @AfterEach
    void stop() throws Exception {
        assertEquals(0, hub.cellCount("b"));
        hub.close();
    }

    private static String change(String table, String column) {
        return "{\"t\":\"" + table + "\",\"pk\":[1],\"c\":\"" + column + "\",\"val\":\"v\",\"hlc\":100,\"site\":\"" + SITE + "\",\"cl\":1}";
    }

    private static String changeset(String... changes) {
        return "{\"v\":1,\"site\":\"" + SITE + "\",\"changes\":[" + String.join(",", changes) + "]}";
    }

    private HttpResponse<String> push(String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hub.uri().resolve("/v1/push")).header("Sync-Batch", "1.0")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertRefused(int status, String messagePart, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(messagePart), r.body());
        assertEquals(hub.epoch(), r.headers().firstValue("Sync-Epoch").orElseThrow());
        assertEquals(0, hub.cellCount("a"), "nothing stored");
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        HttpResponse<String> none = push(null, changeset(change("item", "title")));
        assertRefused(401, "missing bearer token", none);
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertRefused(401, "invalid bearer token", push("not-a-token", changeset(change("item", "title"))));
        HttpResponse<String> pull = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/pull?since=0")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, pull.statusCode());
    }

    @Test
    void tokenOfAnotherNamespaceIs403() throws Exception {
        assertRefused(403, "does not grant namespace 'b'", push(TOKEN, changeset(change("item", "title")), "Sync-Namespace", "b"));
        HttpResponse<String> pull = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/pull?since=0"))
                .header("Authorization", "Bearer " + TOKEN).header("Sync-Namespace", "b").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, pull.statusCode());
    }

    @Test
    void oversizedBodiesAndBatchesAre413() throws Exception {
        assertRefused(413, "exceeds this hub's cap of 4096 bytes", push(TOKEN, changeset(change("item", "x".repeat(5000)))));
        assertRefused(413, "at most 3 per push", push(TOKEN, changeset(change("item", "a"), change("item", "b"), change("item", "c"), change("item", "d"))));
        // a small gzip body that inflates past the cap (a gzip bomb) is refused too
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(z)) {
            g.write(changeset(change("item", "title")).replace("\"val\":\"v\"", "\"val\":\"" + "v".repeat(100_000) + "\"").getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> bomb = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/push")).header("Sync-Batch", "2.0")
                .header("Authorization", "Bearer " + TOKEN).header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(z.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertRefused(413, "exceeds", bomb);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertRefused(400, "Malformed changeset JSON", push(TOKEN, "{\"v\":1,\"site\":"));
        assertRefused(400, "must be a JSON object", push(TOKEN, "[1,2]"));
        assertRefused(400, "must be a non-negative 64-bit integer", push(TOKEN, changeset(change("item", "title").replace("\"hlc\":100", "\"hlc\":\"soon\""))));
    }

    @Test
    void validPushIsStoredAndPulledGzippedWithTheEpoch() throws Exception {
        String big = "y".repeat(1500);
        HttpResponse<String> r = push(TOKEN, changeset(change("item", "title").replace("\"val\":\"v\"", "\"val\":\"" + big + "\"")));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"status\":\"applied\""), r.body());
        HttpResponse<String> again = push(TOKEN, changeset(change("item", "title").replace("\"val\":\"v\"", "\"val\":\"" + big + "\"")));
        assertTrue(again.body().contains("\"status\":\"already-applied\""), again.body());
        HttpResponse<byte[]> pull = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/pull?since=0&limit=10"))
                .header("Authorization", "Bearer " + TOKEN).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pull.statusCode());
        assertEquals("gzip", pull.headers().firstValue("Content-Encoding").orElseThrow());
        String body = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(pull.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains(big), body);
        // the epoch travels in the header; the body's origin is the first change's site, so its changes carry none
        assertEquals(hub.epoch(), pull.headers().firstValue(HubServer.EPOCH_HEADER).orElseThrow());
        assertTrue(body.startsWith("{\"v\":1,\"site\":\"" + SITE + "\"") && !body.contains("\"site\":\"" + hub.epoch()), body);
        assertEquals("1", pull.headers().firstValue("Sync-Next").orElseThrow());
        assertEquals("false", pull.headers().firstValue("Sync-More").orElseThrow());
        assertEquals(1, hub.cellCount("a"));
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/pull?since=-4"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains(hub.epoch()));
    }
}
