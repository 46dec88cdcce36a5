package io.syncsqlite.tck.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncStatus;
import io.syncsqlite.hub.HubChild;
import io.syncsqlite.tck.fault.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's outage acceptance: the PostgreSQL server under two hub processes is stopped (as an operator stops it:
 * every session cut) while six replicas (http and ws) write and sync, held down until every replica has seen a round
 * fail, and started again. Meanwhile the applications' writes all succeed (a hub outage is never an application
 * error), each hub's health says the store is unreachable (503, {@code "reachable":false}) and its metrics say so,
 * and a pull is answered 503 with {@code Retry-After} (wait and retry), not as an internal error;
 * afterwards every committed row arrives exactly once on every replica and in the store, nothing is left unpublished
 * or pending, and health and metrics are back, with the notifications' lag measured again. {@code -Dscaleout.seed=N}
 * repeats a run's writer pace; {@code -Dscaleout.long=true} writes ten times as much and holds the outage longer.
 */
class PostgresOutageTest {
    @TempDir
    Path dir;

    @Test
    void postgresStoppedAndRestartedUnderLoadLosesNothingAndHealthSaysSoMeanwhile() throws Exception {
        try (RestartablePostgres pg = new RestartablePostgres(Files.createDirectories(dir.resolve("pg")).resolve("data"))) {
            pg.createDatabase("outage");
            List<HubChild> hubs = HubProcesses.start(2, pg.url("outage"), dir);
            try (Clients clients = new Clients(6, hubs, dir)) {
                for (HubChild h : hubs) {
                    Await.until("the store's notifications reach " + h.uri() + " (a probe came back)", Duration.ofSeconds(60),
                            () -> gauge(h, "store_notify_lag_millis") >= 0, () -> h.get("/v1/health").body());
                    String health = h.get("/v1/health").body();
                    System.out.println("PostgresOutageTest: health of " + h.uri() + " before the outage: " + health);
                    assertTrue(health.contains("\"store\":{\"kind\":\"postgresql\",\"status\":\"ok\",\"reachable\":true"), health);
                    assertTrue(health.contains("\"notifications\":{\"listening\":true,\"lagMillis\":"), health);
                    assertEquals(1, gauge(h, "store_info{kind=\"postgresql\"}"));
                }
                List<String> epochs = epochs(hubs);
                clients.startWriting(Integer.MAX_VALUE, 30, Clients.seed(getClass()));
                clients.awaitWritten(Clients.transactions(10), Duration.ofSeconds(600));

                pg.stop();
                int atStop = clients.all.stream().mapToInt(c -> c.written.get()).max().orElseThrow();
                for (HubChild h : hubs) {
                    Await.until("health of " + h.uri() + " says the store is unreachable", Duration.ofSeconds(30), () -> {
                        HttpResponse<String> r = h.get("/v1/health");
                        return r.statusCode() == 503 && r.body().contains("\"kind\":\"postgresql\",\"status\":\"failing\",\"reachable\":false");
                    }, () -> h.get("/v1/health").body());
                    assertEquals(0, gauge(h, "store_reachable"));
                    assertEquals(0, gauge(h, "store_notify_listening"));
                }
                HttpResponse<String> pull = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hubs.get(0).uri().resolve("/v1/pull?since=0&limit=10"))
                        .header("Authorization", "Bearer " + HubChild.TOKEN).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, pull.statusCode(), "a pull while the store is down is 'retry later', not an internal error: " + pull.body());
                assertEquals("2", pull.headers().firstValue("Retry-After").orElse(null));
                assertTrue(pull.body().contains("the hub's store (postgresql) is unreachable"), pull.body());
                Await.until("every replica saw a round fail while the database was down", Duration.ofSeconds(60),
                        () -> clients.all.stream().allMatch(c -> failing(c)), () -> "" + clients.all.stream().map(c -> c + ": " + state(c)).toList());
                clients.awaitWritten(atStop + (Clients.LONG ? 100 : 0), Duration.ofSeconds(600)); // the long run holds the outage longer
                int atRestart = clients.all.stream().mapToInt(c -> c.written.get()).max().orElseThrow();

                pg.start();
                for (HubChild h : hubs) {
                    Await.until("health of " + h.uri() + " is ok again", Duration.ofSeconds(60), () -> h.get("/v1/health").statusCode() == 200,
                            () -> h.get("/v1/health").body());
                    assertEquals(1, gauge(h, "store_reachable"));
                }
                clients.awaitWritten(atRestart + Clients.transactions(10), Duration.ofSeconds(600));
                clients.stopWriting();
                assertEquals(List.of(), clients.applicationErrors, "no write of the applications failed");

                clients.awaitConverged(Duration.ofSeconds(Clients.LONG ? 600 : 120));
                try (Connection c = DriverManager.getConnection(pg.url("outage"), "postgres", null);
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hub_rows WHERE ns = ? AND tbl = 'item'")) {
                    ps.setString(1, HubChild.NAMESPACE);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertEquals(clients.expectedItems(), rs.getLong(1), "the store holds each item row once");
                    }
                }
                for (HubChild h : hubs) {
                    // the hubs lived through the outage: they serve, and listen to each other again
                    Await.until("the notifications of " + h.uri() + " listen again", Duration.ofSeconds(30), () -> gauge(h, "store_notify_listening") == 1,
                            () -> h.get("/v1/health").body());
                }
                assertEquals(epochs, epochs(hubs), "a database that was only restarted is no restore: the hubs keep their generation");
            } finally {
                HubProcesses.killAll(hubs);
            }
        }
    }

    /** The value of {@code name} in the hub's {@code /metrics}; fails when the hub does not report it. */
    private static long gauge(HubChild h, String name) throws Exception {
        for (String line : h.get("/metrics").body().split("\n")) {
            if (line.startsWith("syncsqlite_hub_" + name + " ")) return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        }
        throw new AssertionError(h.uri() + " does not report " + name);
    }

    /** Each hub's epoch, as its health states it. */
    private static List<String> epochs(List<HubChild> hubs) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (HubChild h : hubs) {
            String body = h.get("/v1/health").body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"epoch\":\"([^\"]+)\"").matcher(body);
            assertTrue(m.find(), body);
            out.add(m.group(1));
        }
        return out;
    }

    private static boolean failing(Clients.Client c) {
        return status(c).lastError() != null;
    }

    private static String state(Clients.Client c) {
        return status(c).state() + " " + status(c).lastError();
    }

    private static SyncStatus status(Clients.Client c) {
        try {
            return c.status();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
