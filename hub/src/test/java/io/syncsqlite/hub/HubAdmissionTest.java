package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.clock.Hlc;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each pushed change is admitted or refused on its own, with the reason; the rest of its batch is stored. */
class HubAdmissionTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final String OTHER = "fedcba9876543210fedcba9876543210";
    private static final String TOKEN = "token-of-a";

    @TempDir
    Path dir;
    private HubServer hub;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), new Tokens().grant(TOKEN, "a")));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static String change(String table, Object pk, long hlc, String site) {
        return "{\"t\":\"" + table + "\",\"pk\":[" + pk + "],\"c\":\"title\",\"val\":\"v\",\"hlc\":" + hlc + (site == null ? "" : ",\"site\":\"" + site + "\"")
                + ",\"cl\":1}";
    }

    private static String changeset(String... changes) {
        return "{\"v\":1,\"site\":\"" + SITE + "\",\"changes\":[" + String.join(",", changes) + "]}";
    }

    private HttpResponse<String> push(String batch, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/push")).header("Sync-Batch", batch).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badChangesAreNamedAndRefusedAloneWhileTheRestIsStored() throws Exception {
        long now = Hlc.now();
        long in2099 = Hlc.ofMillis(Instant.parse("2099-01-01T00:00:00Z").toEpochMilli());
        String body = changeset(change("memo", 1, now, null), change("2fa.codes", 2, now, null), change("sqlite_stat1", 3, now, null),
                change("memo", 4, in2099, OTHER), change("item\\\"; DROP TABLE hub_cells; --", 5, now, null), change("_SyncSQLite_outbox", 6, now, null),
                change("a\\u0007b", 7, now, null), change("x".repeat(300), 8, now, null));
        HttpResponse<String> r = push("1.0", body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("{\"change\":2,\"reason\":\"change 2 (table 'sqlite_stat1' column 'title'): table name 'sqlite_stat1' is reserved"), r.body());
        assertTrue(r.body().contains("{\"change\":3,") && r.body().contains("written by site " + OTHER + " (pushed by site " + SITE + ")")
                && r.body().contains("ahead of this hub's clock"), r.body());
        assertTrue(r.body().contains("{\"change\":5,"), r.body());
        assertEquals(5, hub.cellCount("a"), "every admissible change of the batch is stored, including every name SQLite accepts");
        HttpResponse<String> again = push("1.0", body);
        assertTrue(again.body().contains("already-applied") && again.body().contains("{\"change\":3,"), "a retry is told the same refusals: " + again.body());
        assertEquals(5, hub.cellCount("a"));
    }

    @Test
    void aNullKeyIs400AndRepeatedFieldsAreRefused() throws Exception {
        HttpResponse<String> nullKey = push("2.0", changeset(change("memo", 1, 1, null), change("memo", "null", 1, null)));
        assertEquals(400, nullKey.statusCode(), nullKey.body());
        assertTrue(nullKey.body().contains("NULL") && nullKey.body().contains("change 1"), nullKey.body());
        HttpResponse<String> twice = push("3.0", changeset(change("memo", 1, 1, null).replace("\"hlc\":1", "\"hlc\":1,\"hlc\":2")));
        assertEquals(400, twice.statusCode(), twice.body());
        assertTrue(twice.body().contains("duplicate field \\\"hlc\\\""), twice.body());
        assertEquals(0, hub.cellCount("a"));
    }

    @Test
    void theHubListensOnLoopbackUnlessToldOtherwise() throws Exception {
        assertEquals("127.0.0.1", HubConfig.parse("--data", "x.db", "--token", "token-of-a=a").bind());
        assertEquals("0.0.0.0", HubConfig.parse("--data", "x.db", "--token", "token-of-a=a", "--bind", "0.0.0.0").bind());
        assertEquals(Duration.ofSeconds(60), HubConfig.parse("--data", "x.db", "--token", "token-of-a=a", "--max-clock-drift-seconds", "60").maxClockDrift());
    }
}
